// The worklist as the Tasks page and the API work it: today's tasks in the company's calendar, one task, snooze, close with
// an outcome, and the reminders in doubt the team settles.
import { listInDoubt, settleInDoubt, type InDoubtEmail, type InDoubtVerdict } from '../actions/in-doubt.js';
import { dateInZone } from '../model/index.js';
import type { Tenant } from '../store/tenants.js';
import { closeWithOutcome, type OutcomeInput, type OutcomeProblem } from '../worklist/outcomes.js';
import { getTask, listTasks, snoozeTask, type Task, type TaskFilter } from '../worklist/store.js';
import { nowOf, type AppDeps } from './deps.js';

/** Today in the company's own calendar (tasks fall due, open again and run late by it). */
export const todayOf = (deps: AppDeps, tenant: Tenant): string => dateInZone(nowOf(deps), tenant.timeZone);

/** The tenant's tasks as of `today` (the company's today unless the page already read it). */
export const tasksOf = (deps: AppDeps, tenant: Tenant, filter: TaskFilter = {}, today: string = todayOf(deps, tenant)): Promise<Task[]> => listTasks(deps.sql, tenant.id, today, filter);

export const taskOf = (deps: AppDeps, tenant: Tenant, id: string): Promise<Task | null> => getTask(deps.sql, tenant.id, todayOf(deps, tenant), id);

/** Snoozes a task until a day after today; the task as it now is, or why not. */
export async function snoozeUntil(deps: AppDeps, tenant: Tenant, id: string, until: string, actor: string): Promise<{ ok: true; task: Task } | { ok: false; problem: 'not_found' | 'date' | 'closed'; today: string }> {
  const today = todayOf(deps, tenant);
  if (!(await getTask(deps.sql, tenant.id, today, id))) return { ok: false, problem: 'not_found', today };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || until <= today) return { ok: false, problem: 'date', today };
  if (!(await snoozeTask(deps.sql, tenant.id, id, until, actor))) return { ok: false, problem: 'closed', today };
  return { ok: true, task: (await getTask(deps.sql, tenant.id, today, id))! };
}

/** Closes a task with its outcome (a call outcome opens the pause the portal would); the task as it now is, or why not. */
export async function closeTask(deps: AppDeps, tenant: Tenant, id: string, input: OutcomeInput, actor: string): Promise<{ ok: true; task: Task } | { ok: false; problem: 'not_found' | OutcomeProblem }> {
  const today = todayOf(deps, tenant);
  const task = await getTask(deps.sql, tenant.id, today, id);
  if (!task) return { ok: false, problem: 'not_found' };
  const r = await closeWithOutcome(deps.sql, tenant.id, task, input, actor, today);
  if (!r.ok) return r;
  return { ok: true, task: (await getTask(deps.sql, tenant.id, today, task.id))! };
}

/** Reminders in doubt (a worker stopped while handing them to the mail server): the team says whether they arrived. */
export const emailsInDoubt = (deps: AppDeps, tenant: Tenant): Promise<InDoubtEmail[]> => listInDoubt(deps.sql, tenant.id);

/** The team's verdict on one; a resent one is looked at by the workers now. False when it is not (or no longer) in doubt. */
export async function settleEmailInDoubt(deps: AppDeps, tenant: Tenant, actionKey: string, verdict: InDoubtVerdict, actor: string): Promise<boolean> {
  const done = await settleInDoubt(deps.sql, tenant.id, actionKey, verdict, actor, nowOf(deps));
  if (done && deps.wakeActions) await deps.wakeActions(tenant.id);
  return done;
}
