import { describe, expect, it } from 'vitest';
import { resolveTaskSpec } from '../../tasks/registry.ts';
import { checkTranscript } from './dialogue-step.ts';
import { validatePersona } from './persona-step.ts';

describe('checkTranscript', () => {
  it('merges a split turn and drops empty ones', () => {
    const { turns, problems } = checkTranscript(
      [
        { role: 'user', text: 'Hi.' },
        { role: 'user', text: ' I need help. ' },
        { role: 'agent', text: '   ' },
        { role: 'agent', text: 'Sure.' },
      ],
      3,
    );
    expect(turns).toEqual([
      { role: 'user', text: 'Hi. I need help.' },
      { role: 'agent', text: 'Sure.' },
    ]);
    expect(problems).toEqual([]);
  });

  it('names what no merge can fix', () => {
    expect(checkTranscript([{ role: 'agent', text: 'Hello' }, { role: 'user', text: 'Hi' }], 3).problems).toEqual(['The user must speak first.']);
    expect(checkTranscript([{ role: 'user', text: 'Hi' }], 3).problems).toEqual(['The agent never speaks.']);
    const long = Array.from({ length: 4 }, () => [{ role: 'user' as const, text: 'u' }, { role: 'agent' as const, text: 'a' }]).flat();
    expect(checkTranscript(long, 3).problems).toEqual(['The agent speaks 4 times; at most 3 turns are allowed.']);
  });
});

describe('validatePersona', () => {
  it('normalises parameter names and listed values, and rejects what the task cannot use', async () => {
    const spec = await resolveTaskSpec('persuasion');
    const hidden = { Stance: 'Sceptical', values: 'fairness', distrust: 'some', budget: 'a modest amount', patience: 'short' };
    const ok = validatePersona(spec, { summary: 'A nurse who gives to local causes.', voice: 'blunt', hidden });
    expect(ok.problem).toBeUndefined();
    expect(ok.persona.hidden).toEqual({ stance: 'sceptical', values: 'fairness', distrust: 'some', budget: 'a modest amount', patience: 'short' });
    expect(validatePersona(spec, { summary: 'A nurse who gives to local causes.', voice: 'blunt', hidden: { ...hidden, Stance: 'hostile' } }).problem).toBe('"stance" is not one of the listed values');
    const { budget: _, ...missing } = hidden;
    expect(validatePersona(spec, { summary: 'A nurse who gives to local causes.', voice: 'blunt', hidden: missing }).problem).toBe('missing hidden parameter "budget"');
  });
});
