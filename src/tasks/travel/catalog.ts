/**
 * The travel task's world: activities a visitor can do in one city, and the words people use
 * for each attribute. The user simulator, the judge and the scripted agents all read text
 * through these patterns, so an agent that phrases things differently is understood the same way.
 *
 * @example
 * const museums = activities.filter((activity) => activity.kind === 'museum');
 */

export const kinds = ['museum', 'hiking', 'food', 'nightlife', 'beach', 'shopping', 'show', 'wellness'] as const;
export const settings = ['indoor', 'outdoor'] as const;
export const paces = ['relaxed', 'active'] as const;
export const costs = ['cheap', 'moderate', 'splurge'] as const;

export type Kind = (typeof kinds)[number];
export type Setting = (typeof settings)[number];
export type Pace = (typeof paces)[number];
export type Cost = (typeof costs)[number];

export type Activity = {
  name: string;
  kind: Kind;
  setting: Setting;
  pace: Pace;
  cost: Cost;
  blurb: string;
};

export type Attribute = 'kind' | 'setting' | 'pace' | 'cost';
export const attributes: readonly Attribute[] = ['kind', 'setting', 'pace', 'cost'];

export const attributeValues: Record<Attribute, readonly string[]> = { kind: kinds, setting: settings, pace: paces, cost: costs };

/** How the agent and the user name a value in conversation (first entry is the usual phrase). */
export const valuePhrases: Record<Attribute, Record<string, readonly string[]>> = {
  kind: {
    museum: ['museums', 'art and history', 'galleries'],
    hiking: ['hiking', 'nature trails', 'the mountains'],
    food: ['food', 'local cuisine', 'eating out'],
    nightlife: ['nightlife', 'bars and clubs', 'a night out'],
    beach: ['the beach', 'the seaside', 'swimming'],
    shopping: ['shopping', 'markets', 'boutiques'],
    show: ['shows', 'live music', 'the theatre'],
    wellness: ['wellness', 'a spa', 'massages'],
  },
  setting: { indoor: ['indoors', 'inside'], outdoor: ['outdoors', 'outside', 'in the open air'] },
  pace: { relaxed: ['relaxed', 'laid-back', 'calm'], active: ['active', 'energetic', 'adventurous'] },
  cost: { cheap: ['cheap', 'inexpensive', 'low-cost'], moderate: ['mid-range', 'moderately priced'], splurge: ['a splurge', 'luxurious', 'high-end'] },
};

/** Patterns that recognise a value in free text, in either speaker's words. */
export const valuePatterns: Record<Attribute, Record<string, RegExp>> = {
  kind: {
    museum: /\b(museums?|galler(y|ies)|art|history|historic)\b/,
    hiking: /\b(hik(e|es|ing)|trails?|nature|mountains?)\b/,
    food: /\b(food|foodie|cuisine|eating|dining|culinary|cooking|tasting)\b/,
    nightlife: /\b(nightlife|bars?|clubs?|clubbing|night out)\b/,
    beach: /\b(beach(es)?|seaside|swimming|sand)\b/,
    shopping: /\b(shopping|shops?|markets?|boutiques?)\b/,
    show: /\b(shows?|theat(re|er)|concerts?|live music|performances?)\b/,
    wellness: /\b(wellness|spas?|massages?|sauna)\b/,
  },
  setting: {
    indoor: /\b(indoors?|inside)\b/,
    outdoor: /\b(outdoors?|outside|open air)\b/,
  },
  pace: {
    relaxed: /\b(relaxed|relaxing|laid-back|calm|slow|chilled?|easy-going)\b/,
    active: /\b(active|energetic|adventurous|lively|physical)\b/,
  },
  cost: {
    cheap: /\b(cheap|inexpensive|low-cost|free)\b/,
    moderate: /\b(mid-range|moderate(ly)?( priced)?|reasonabl[ey])\b/,
    splurge: /\b(splurge|luxur(y|ious)|high-end|pricey|fancy)\b/,
  },
};

/** Words that show the agent is asking about an attribute without naming any of its values. */
export const attributeQuestionPatterns: Record<Attribute, RegExp> = {
  kind: /\b(kinds?|sorts?|types?) of (activit|thing|experience)|\b(enjoy|interests?|interested|into|like to do|fan of)\b/,
  setting: /\b(setting|indoors?|outdoors?|inside|outside|weather)\b/,
  pace: /\b(pace|energy|tempo|intense|intensity)\b/,
  cost: /\b(budget|spend|spending|price|prices|cost|costs|afford|money)\b/,
};

const activity = (name: string, kind: Kind, setting: Setting, pace: Pace, cost: Cost, blurb: string): Activity => ({
  name,
  kind,
  setting,
  pace,
  cost,
  blurb,
});

export const activities: readonly Activity[] = [
  activity('Old Masters Gallery', 'museum', 'indoor', 'relaxed', 'moderate', 'paintings from five centuries'),
  activity('Maritime History Museum', 'museum', 'indoor', 'relaxed', 'cheap', 'ships, maps and harbour stories'),
  activity('Science Discovery Hall', 'museum', 'indoor', 'active', 'moderate', 'hands-on experiments on three floors'),
  activity('Open-Air Sculpture Park', 'museum', 'outdoor', 'relaxed', 'cheap', 'sculptures spread over a green hill'),
  activity('Castle Ruins Walk', 'museum', 'outdoor', 'active', 'cheap', 'a guided climb through medieval ruins'),
  activity('Private Curator Tour', 'museum', 'indoor', 'relaxed', 'splurge', 'after-hours visit with a curator'),
  activity('Ridge Trail Hike', 'hiking', 'outdoor', 'active', 'cheap', 'a steep half-day trail with sea views'),
  activity('Lakeside Nature Walk', 'hiking', 'outdoor', 'relaxed', 'cheap', 'a flat loop around the lake'),
  activity('Guided Volcano Trek', 'hiking', 'outdoor', 'active', 'moderate', 'a full day on the crater rim'),
  activity('Waterfall Canyon Trail', 'hiking', 'outdoor', 'active', 'moderate', 'rock steps down to three waterfalls'),
  activity('Helicopter Glacier Hike', 'hiking', 'outdoor', 'active', 'splurge', 'a flight and a walk on the ice'),
  activity('Botanical Garden Stroll', 'hiking', 'outdoor', 'relaxed', 'moderate', 'shaded paths through rare plants'),
  activity('Climbing Gym Session', 'hiking', 'indoor', 'active', 'moderate', 'indoor bouldering with an instructor'),
  activity('Street Food Crawl', 'food', 'outdoor', 'active', 'cheap', 'ten stalls across the old quarter'),
  activity('Pasta Cooking Class', 'food', 'indoor', 'relaxed', 'moderate', 'make and eat fresh pasta'),
  activity('Chef Tasting Menu', 'food', 'indoor', 'relaxed', 'splurge', 'twelve courses at a starred restaurant'),
  activity('Farmers Market Brunch', 'food', 'outdoor', 'relaxed', 'cheap', 'local produce under the market roof'),
  activity('Vineyard Bike and Taste', 'food', 'outdoor', 'active', 'moderate', 'cycling between three wineries'),
  activity('Harbour Seafood Dinner', 'food', 'indoor', 'relaxed', 'moderate', 'catch of the day by the water'),
  activity('Rooftop Cocktail Bar', 'nightlife', 'outdoor', 'relaxed', 'splurge', 'cocktails above the skyline'),
  activity('Jazz Cellar Night', 'nightlife', 'indoor', 'relaxed', 'moderate', 'live jazz in a vaulted cellar'),
  activity('Warehouse Dance Club', 'nightlife', 'indoor', 'active', 'moderate', 'DJs until sunrise'),
  activity('Pub Quiz Evening', 'nightlife', 'indoor', 'relaxed', 'cheap', 'a friendly quiz in a local pub'),
  activity('Night Bar Hop', 'nightlife', 'outdoor', 'active', 'cheap', 'five bars on foot with a guide'),
  activity('Beach Volleyball Meetup', 'beach', 'outdoor', 'active', 'cheap', 'pick-up games on the sand'),
  activity('Sunset Beach Picnic', 'beach', 'outdoor', 'relaxed', 'cheap', 'a basket and a blanket at dusk'),
  activity('Surf Lesson', 'beach', 'outdoor', 'active', 'moderate', 'two hours with a surf coach'),
  activity('Private Cabana Day', 'beach', 'outdoor', 'relaxed', 'splurge', 'a shaded cabana with service'),
  activity('Snorkel Boat Trip', 'beach', 'outdoor', 'active', 'moderate', 'reefs off the northern cove'),
  activity('Indoor Wave Pool', 'beach', 'indoor', 'active', 'cheap', 'a covered pool with surf waves'),
  activity('Flea Market Hunt', 'shopping', 'outdoor', 'active', 'cheap', 'bargains across a huge weekend market'),
  activity('Designer Boutique Tour', 'shopping', 'indoor', 'relaxed', 'splurge', 'a personal shopper for the afternoon'),
  activity('Artisan Craft Market', 'shopping', 'outdoor', 'relaxed', 'moderate', 'handmade goods from local makers'),
  activity('Vintage Arcade Shops', 'shopping', 'indoor', 'relaxed', 'cheap', 'records, books and old cameras'),
  activity('Department Store Sprint', 'shopping', 'indoor', 'active', 'moderate', 'six floors in one afternoon'),
  activity('Opera House Evening', 'show', 'indoor', 'relaxed', 'splurge', 'box seats for the opera'),
  activity('Street Theatre Festival', 'show', 'outdoor', 'active', 'cheap', 'performers all over the square'),
  activity('Comedy Club Show', 'show', 'indoor', 'relaxed', 'moderate', 'stand-up in a small club'),
  activity('Open-Air Concert', 'show', 'outdoor', 'relaxed', 'moderate', 'an orchestra in the park'),
  activity('Dance Workshop Show', 'show', 'indoor', 'active', 'moderate', 'learn the moves, then watch the show'),
  activity('Thermal Spa Day', 'wellness', 'indoor', 'relaxed', 'splurge', 'hot pools, steam rooms and a massage'),
  activity('Beach Yoga Class', 'wellness', 'outdoor', 'relaxed', 'cheap', 'sunrise yoga on the sand'),
  activity('Forest Bathing Walk', 'wellness', 'outdoor', 'relaxed', 'moderate', 'a slow guided walk among old trees'),
  activity('Hammam and Massage', 'wellness', 'indoor', 'relaxed', 'moderate', 'a traditional bath and massage'),
  activity('Sunrise Paddleboard Session', 'wellness', 'outdoor', 'active', 'moderate', 'calm water and a coach'),
  activity('Bootcamp in the Park', 'wellness', 'outdoor', 'active', 'cheap', 'an hour of group exercise'),
];
