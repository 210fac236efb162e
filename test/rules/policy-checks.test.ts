// Save-time checks of a policy: templates that exist, and escalation that stays gradual.
import { describe, expect, it } from 'vitest';
import { FRENCH_B2B_POLICY, UK_POLICY } from '../../src/rules/default-policies.js';
import { parsePolicy, type PolicyInput } from '../../src/rules/policy.js';
import { policyProblems, problemMessage } from '../../src/rules/policy-checks.js';
import { TEMPLATE_IDS } from '../../src/actions/templates.js';

const known = new Set<string>(TEMPLATE_IDS);
const step = (id: string, days: number, channel: string, templateId = 'fr.reminder-1', extra: object = {}) => ({ id, offset: { days }, channel, templateId, ...extra });
const policy = (steps: object[]) => parsePolicy({ id: 'p', version: 1, name: 'p', steps } as PolicyInput);

describe('policyProblems', () => {
  it('finds nothing wrong with the shipped policies', () => {
    expect(policyProblems(FRENCH_B2B_POLICY, known)).toEqual([]);
    expect(policyProblems(UK_POLICY, known)).toEqual([]);
  });

  it('names the step whose template does not exist', () => {
    const [p] = policyProblems(policy([step('r1', 1, 'email'), step('call', 5, 'call', 'fr.appel', { name: 'Appel' })]), known);
    expect(p).toMatchObject({ code: 'unknown_template', index: 1 });
    expect(problemMessage(p!)).toBe('step "Appel" (call) names the template "fr.appel", which does not exist: choose one of the shipped templates');
  });

  it.each([
    ['a letter first', [step('notice', 30, 'letter'), step('r1', 31, 'email')], [0]],
    ['a hand-off after a letter only', [step('notice', 30, 'letter'), step('handoff', 45, 'handoff')], [0, 1]],
    ['a letter told not to wait', [step('notice', 30, 'letter', 'fr.reminder-1', { requiresPrevious: false }), step('r1', 31, 'email')], [0]],
    ['an email told to wait, first', [step('r1', 1, 'email', 'fr.reminder-1', { requiresPrevious: true })], [0]],
  ])('refuses %s (no prior reminder)', (_name, steps, indices) => {
    const problems = policyProblems(policy(steps), known).filter((p) => p.code === 'no_prior_reminder');
    expect(problems.map((p) => p.index)).toEqual(indices);
  });

  it('accepts a letter after a reminder, whatever order the steps were written in', () => {
    expect(policyProblems(policy([step('notice', 30, 'letter'), step('r1', 1, 'email')]), known)).toEqual([]);
  });
});
