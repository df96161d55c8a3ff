/**
 * The starting files `reverie init` writes: one small, commented catalog of each family, each
 * passing `reverie check` and running with `reverie demo --task FILE`. Tests load both.
 *
 * @example
 * starterGuessing('animals') // → '# A guessing catalog …\nfamily: guessing\n…'
 */

export const starterGuessing = (name: string): string => `# A guessing catalog: the user thinks of an item, the agent asks yes/no questions and guesses.
# Check it with \`reverie check ${name}.yaml\`; run it offline with \`reverie demo --task ${name}.yaml\`.
# Every field is described in docs/catalog-format.md.
family: guessing

# The task spec, as an LLM would read it (docs/task-format.md). It may also be a file name.
task:
  name: ${name}
  title: Guess my animal
  description: >-
    A user thinks of an animal and the agent must name it, asking yes/no questions about its
    class, where it lives, its size, its legs and whether people keep it as a pet.
  agent:
    role: a player of twenty questions who knows animals
    goal: name the animal the user has in mind with as few questions as possible
  user:
    description: someone with an animal in mind who answers yes or no
  success:
    description: the agent names the animal (reward 1, less 0.05 for each turn before the right guess)
    threshold: 0.5
  maxTurns: 12
  turnCost: 0.05

# Hidden personas: some users are not sure of an attribute; all give up after a while.
persona:
  unsure: {legs: 0.2}
  patience: [6, 12]

phrasing:
  openings: ["I'm thinking of an animal. Can you guess it?", "Guess my animal! I'll answer yes or no."]
  confused: "Sorry, ask me a yes-or-no question, or make a guess."
  # {a name} says "a" or "an" before the name; an item can set its own \`article\`.
  guess: ['Is it {a name}?', 'My guess is {a name}.']

attributes:
  class:
    type: categorical
    # Words that show a question is about this attribute even without a value.
    asks: [class, kind of animal]
    questions: [What kind of animal is it?]
    # Yes/no questions, one per value; {words} is the value's first word.
    ask: ['Is it {words}?']
    values:
      mammal: {words: [a mammal], recognise: [mammals]}
      bird: {words: [a bird], recognise: [birds]}
      reptile: {words: [a reptile], recognise: [reptiles]}
      fish: {words: [a fish], recognise: [fishes]}
      insect: {words: [an insect], recognise: [insects, a bug]}

  habitat:
    type: set
    asks: [live, habitat]
    ask: ['Does it live {words}?']
    values:
      land: {words: [on land]}
      water: {words: [in water], recognise: [in the water, swim]}
      # A value can have its own question where the attribute's does not fit.
      air: {words: [in the air], recognise: [fly, flies], ask: ['Can it fly?']}

  pet:
    type: boolean
    values:
      # Asked from one side only, with answers of its own; the "no" side asks nothing.
      yes: {words: [a pet], recognise: [as a pet, pets], ask: ['Do people keep it as a pet?'], answers: {yes: ['Yes, people keep it as a pet.'], no: ['No, it is not a pet.']}}
      no: {words: [wild], ask: []}

  size:
    type: categorical
    asks: [size, how big]
    ask: ['Is it {words}?']
    values:
      small: {words: [small], recognise: [little, tiny]}
      medium: {words: [medium-sized], recognise: [medium]}
      large: {words: [large], recognise: [big, huge]}

  legs:
    type: numeric
    range: [0, 100]
    asks: [legs, leg]
    # Comparisons: "more than", "over", "under", "at least"…, then {number} (digits or words).
    compare: ['Does it have more than {number} legs?']
    thresholds: [0, 2, 4]
    buckets:
      legless: {words: [no legs], below: 1}
      few: {words: [a few legs], below: 5}
      many: {words: [many legs]}

# Each item: a name (and aliases the user also answers to) and its value for each attribute.
# A set attribute takes a list; a boolean takes true or false; leave out what the data lacks.
items:
  - {name: dog, class: mammal, habitat: [land], pet: true, size: medium, legs: 4}
  - {name: cat, class: mammal, habitat: [land], pet: true, size: small, legs: 4}
  - {name: horse, class: mammal, habitat: [land], pet: false, size: large, legs: 4}
  - {name: dolphin, class: mammal, habitat: [water], pet: false, size: large, legs: 0}
  - {name: bat, class: mammal, habitat: [land, air], pet: false, size: small, legs: 2}
  - {name: parrot, class: bird, habitat: [land, air], pet: true, size: small, legs: 2}
  - {name: eagle, class: bird, habitat: [land, air], pet: false, size: medium, legs: 2}
  - {name: penguin, class: bird, habitat: [land, water], pet: false, size: medium, legs: 2}
  - {name: snake, class: reptile, habitat: [land], pet: false, size: medium, legs: 0}
  - {name: turtle, aliases: [tortoise], class: reptile, habitat: [land, water], pet: true, size: medium, legs: 4}
  - {name: goldfish, class: fish, habitat: [water], pet: true, size: small, legs: 0}
  - {name: shark, class: fish, habitat: [water], pet: false, size: large, legs: 0}
  - {name: bee, class: insect, habitat: [land, air], pet: false, size: small, legs: 6}
  - {name: ant, class: insect, habitat: [land], pet: false, size: small, legs: 6}
`;

export const starterRecommendation = (name: string): string => `# A recommendation catalog: the user has hidden preferences, the agent asks and recommends.
# Check it with \`reverie check ${name}.yaml\`; run it offline with \`reverie demo --task ${name}.yaml\`.
# Every field is described in docs/catalog-format.md.
family: recommendation

# The task spec, as an LLM would read it (docs/task-format.md). It may also be a file name.
task:
  name: ${name}
  title: Book recommendations
  description: >-
    A reader asks for a book. The agent finds out what they like (genre, length, mood) and
    recommends one book; the reader is happy when it fits.
  agent:
    role: a bookseller
    goal: recommend a book the reader will enjoy
  user:
    description: a reader with tastes of their own, sometimes vague about them
  success:
    description: the recommended book fits the reader's preferences
    threshold: 0.8
  maxTurns: 6

# A persona is drawn around one book: each attribute keeps that book's value with this chance,
# else the reader has no preference. Vague readers answer open questions vaguely.
persona:
  keep: {genre: 1, length: 0.6, mood: 0.6}
  vague: 0.4
  patience: [3, 6]

phrasing:
  noun: [book, books]
  openings: ["Hi! Could you recommend a book?", "I'm looking for something to read."]
  confused: "Sorry, I don't follow. I'm just after a good book."
  # Agents offering values, with {options}.
  options: ['Would you like {options}?', 'Are you in the mood for {options}?']
  # Agents recommending, with {name}, {description} and each attribute's label.
  recommend: ['I recommend {name}: {description}.', 'Try {name}, a {length} {genre}.']

# Listed most important first; weights are each attribute's share of the judge's score.
attributes:
  genre:
    type: categorical
    weight: 0.6
    asks: [genre, kind of book, kind of books, kinds of books]
    questions: [What kind of books do you like?]
    user:
      says: ['I love {words}.', 'Mostly {words}.']
      any: [I read a bit of everything.]
      vague: ['Something good, I guess.']
    values:
      mystery: {words: [mysteries, crime novels], recognise: [mystery, crime], label: mystery}
      fantasy: {words: [fantasy, dragons and magic], label: fantasy novel}
      history: {words: [history, true stories], recognise: [historical], label: history book}

  length:
    type: categorical
    weight: 0.2
    # A ceiling: anything up to the reader's limit fits.
    preference: ceiling
    asks: [long, length, pages]
    questions: [How long a book would you like?]
    user:
      says: ["I'd like {words}."]
    values:
      short: {words: [a short book, something quick to read], recognise: [short]}
      long: {words: [a long book, a doorstopper], recognise: [long]}

  mood:
    type: categorical
    weight: 0.2
    asks: [mood, tone]
    questions: [What mood are you in?]
    user:
      says: ["I'd like something {words}."]
    values:
      light: {words: [something light, something cheerful], recognise: [light, cheerful]}
      dark: {words: [something dark, something gripping], recognise: [dark, gripping]}

items:
  - {name: The Lighthouse Case, genre: mystery, length: short, mood: dark, description: a detective on a stormy island}
  - {name: Murder at the Fair, genre: mystery, length: short, mood: light, description: a village fete and a missing cake}
  - {name: The Long Con, genre: mystery, length: long, mood: dark, description: a heist told from five sides}
  - {name: Dragon Summer, genre: fantasy, length: short, mood: light, description: a girl and a small dragon}
  - {name: The Iron Crown, genre: fantasy, length: long, mood: dark, description: a war between two queens}
  - {name: Kingdom of Glass, genre: fantasy, length: long, mood: light, description: a quest through a city of glass}
  - {name: The Silk Roads, genre: history, length: long, mood: light, description: trade routes across two thousand years}
  - {name: Winter of the Siege, genre: history, length: short, mood: dark, description: a city under siege}
  - {name: Captains and Kings, genre: history, length: long, mood: dark, description: the rise and fall of empires}
`;
