// Checks made when a policy is saved (page or API), beyond its schema: every step names a template that exists, and escalation stays gradual.
import { ESCALATION_CHANNELS, requiresPrevious, type Policy, type PolicyStep } from './policy.js';

/** A problem with one step, by its index in the (time-ordered) policy; pages say it in their language, the API in English. */
export type PolicyProblem =
  | { code: 'unknown_template'; index: number; step: PolicyStep }
  | { code: 'no_prior_reminder'; index: number; step: PolicyStep };

/**
 * Problems that the schema cannot see. The engine (evaluate.ts `waitingFor`) holds an escalation step (letters and
 * hand-offs unless the policy says otherwise: `requiresPrevious`) until the step before it was delivered, but a
 * step with nothing before it goes out at once: a formal notice placed first would be the customer's first
 * message. So a step that escalates (a letter or a hand-off, or any step told to wait for the one before it) needs
 * an earlier step that does not: a reminder. A letter told not to wait is still a letter. The engine evaluates
 * rules with test templates of any name; only a saved policy must name templates that exist (`templates`).
 */
export function policyProblems(policy: Policy, templates: ReadonlySet<string>): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  let reminded = false;
  policy.steps.forEach((step, index) => {
    if (!templates.has(step.templateId)) out.push({ code: 'unknown_template', index, step });
    if (requiresPrevious(step) || ESCALATION_CHANNELS.has(step.channel)) {
      if (!reminded) out.push({ code: 'no_prior_reminder', index, step });
    } else reminded = true;
  });
  return out;
}

/** The English sentence for a problem (API answers, logs). */
export function problemMessage(p: PolicyProblem): string {
  const name = p.step.name ? `"${p.step.name}" (${p.step.id})` : `"${p.step.id}"`;
  switch (p.code) {
    case 'unknown_template':
      return `step ${name} names the template "${p.step.templateId}", which does not exist: choose one of the shipped templates`;
    case 'no_prior_reminder':
      return `step ${name} (${p.step.channel}) comes without a prior reminder: add a reminder before it, escalation must stay gradual`;
  }
}
