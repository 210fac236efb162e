// The worklist in the API: list (filtered, sorted by priority), one task, snooze, close with an outcome. Same use
// cases as the "Tasks" page (src/worklist); a call outcome opens the same pause the portal's answer would.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { TaskKind } from '../../model/task.js';
import { OUTCOMES } from '../../worklist/outcomes.js';
import { TASK_SORTS, type Task } from '../../worklist/store.js';
import { closeTask, snoozeUntil, taskOf, tasksOf } from '../../app/tasks.js';
import type { AppDeps } from '../../app/deps.js';
import { API_PREFIX, json, notFound, security, tokenActor, type ApiEnv } from './common.js';
import { ErrorBody } from './schemas.js';

const TaskBody = z
  .object({
    id: z.string(),
    connectionId: z.string(),
    kind: TaskKind,
    customerExternalId: z.string(),
    customerName: z.string(),
    invoiceExternalIds: z.array(z.string()),
    invoiceNumbers: z.array(z.string()),
    amount: z.string().nullable().openapi({ description: 'Decimal string in `currency`.' }),
    currency: z.string().nullable(),
    dueOn: z.string().openapi({ description: 'The day the work should be done by (YYYY-MM-DD, the company’s calendar).' }),
    daysLate: z.number().int(),
    segment: z.string(),
    priority: z.string().openapi({ description: 'amount × days past due (today) × risk weight (reliable 1, watch 2, bad payer 3), a decimal string.' }),
    urgent: z.boolean(),
    title: z.string(),
    owner: z.object({ id: z.string(), email: z.string() }).nullable(),
    state: z.enum(['open', 'snoozed', 'done']),
    snoozedUntil: z.string().nullable(),
    outcome: z.string().nullable(),
    doneBy: z.string().nullable(),
    doneAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Task');

const SnoozeInput = z.object({ until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict().openapi('TaskSnooze');
const DoneInput = z
  .object({
    outcome: z.enum(OUTCOMES).openapi({ description: 'promise (needs `on`), dispute, plan (a payment-plan request to decide on the customer page), no_answer, wrong_number, or done.' }),
    on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    amount: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .openapi('TaskDone');

const idParam = z.object({ id: z.string().openapi({ param: { in: 'path' }, example: '6f1c2b1e-0000-4000-8000-000000000000' }) });
const missing = { error: 'not_found', message: 'Task not found.' };

const toBody = (t: Task) => ({
  id: t.id,
  connectionId: t.connectionId,
  kind: t.kind,
  customerExternalId: t.customerExternalId,
  customerName: t.customerName,
  invoiceExternalIds: t.invoiceExternalIds,
  invoiceNumbers: t.invoiceNumbers,
  amount: t.amount,
  currency: t.currency,
  dueOn: t.dueOn,
  daysLate: t.daysLate,
  segment: t.segment,
  priority: t.priority,
  urgent: t.urgent,
  title: t.title,
  owner: t.owner,
  state: t.state,
  snoozedUntil: t.snoozedUntil,
  outcome: t.outcome,
  doneBy: t.doneBy,
  doneAt: t.doneAt ? t.doneAt.toISOString() : null,
  createdAt: t.createdAt.toISOString(),
});

export function taskApi(api: OpenAPIHono<ApiEnv>, deps: AppDeps): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/tasks`,
      tags: ['Tasks'],
      security,
      summary: 'The worklist: calls, letters to post, hand-offs, disputes, requests, broken promises…',
      request: {
        query: z.object({
          state: z.enum(['todo', 'snoozed', 'done', 'all']).default('todo'),
          kind: TaskKind.optional(),
          ownerId: z.string().uuid().optional().openapi({ description: 'Only the tasks of this team member.' }),
          customerId: z.string().optional(),
          sort: z.enum(TASK_SORTS).default('priority'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
      },
      responses: { 200: json(z.object({ tasks: z.array(TaskBody) }), 'Tasks') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const tasks = await tasksOf(deps, c.get('tenant'), { state: q.state, sort: q.sort, limit: q.limit, ...(q.kind ? { kind: q.kind } : {}), ...(q.ownerId ? { ownerUserId: q.ownerId } : {}), ...(q.customerId ? { customerExternalId: q.customerId } : {}) });
      return c.json({ tasks: tasks.map(toBody) }, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'get', path: `${API_PREFIX}/tasks/{id}`, tags: ['Tasks'], security, summary: 'One task', request: { params: idParam }, responses: { 200: json(TaskBody, 'The task'), 404: notFound } }),
    async (c) => {
      const task = await taskOf(deps, c.get('tenant'), c.req.valid('param').id);
      return task ? c.json(toBody(task), 200) : c.json(missing, 404);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/tasks/{id}/snooze`,
      tags: ['Tasks'],
      security,
      summary: 'Snooze a task until a date (after today); it is open again on that day',
      request: { params: idParam, body: { content: { 'application/json': { schema: SnoozeInput } }, required: true } },
      responses: { 200: json(TaskBody, 'Snoozed'), 404: notFound, 422: json(ErrorBody, 'Not a date after today, or the task is closed') },
    }),
    async (c) => {
      const r = await snoozeUntil(deps, c.get('tenant'), c.req.valid('param').id, c.req.valid('json').until, tokenActor(c.get('apiToken')));
      if (r.ok) return c.json(toBody(r.task), 200);
      if (r.problem === 'not_found') return c.json(missing, 404);
      if (r.problem === 'date') return c.json({ error: 'invalid_request', message: `Snooze until a date after today (${r.today}).`, issues: [{ path: 'until', message: 'must be after today' }] }, 422);
      return c.json({ error: 'task_closed', message: 'The task is already closed.' }, 422);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/tasks/{id}/done`,
      tags: ['Tasks'],
      security,
      summary: 'Close a task with its outcome; a call outcome opens the pause the portal would (promise, dispute, plan request)',
      request: { params: idParam, body: { content: { 'application/json': { schema: DoneInput } }, required: true } },
      responses: { 200: json(TaskBody, 'Closed'), 404: notFound, 422: json(ErrorBody, 'The outcome is not valid, or the task is closed') },
    }),
    async (c) => {
      const r = await closeTask(deps, c.get('tenant'), c.req.valid('param').id, c.req.valid('json'), tokenActor(c.get('apiToken')));
      if (!r.ok) {
        if (r.problem === 'not_found') return c.json(missing, 404);
        const message = { promiseDate: 'A promise needs `on`, a date from today to a year ahead.', amount: '`amount` must be a positive decimal.', outcome: 'Unknown outcome.', closed: 'The task is already closed.' }[r.problem];
        return c.json({ error: r.problem === 'closed' ? 'task_closed' : 'invalid_outcome', message, issues: [{ path: r.problem === 'promiseDate' ? 'on' : r.problem, message }] }, 422);
      }
      return c.json(toBody(r.task), 200);
    },
  );
}
