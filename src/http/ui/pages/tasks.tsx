/** @jsxImportSource hono/jsx */
// "My tasks" / "All tasks": the worklist, filtered and sorted, one card per task (readable on a phone); snooze and
// close with an outcome for those who may work the list. The routes call the worklist; the page only renders.
import type { Hono } from 'hono';
import { CaseView } from './recovery.js';
import { openCases } from '../../../app/recovery.js';
import { addDays, dateInZone } from '../../../model/index.js';
import { TaskKind } from '../../../model/task.js';
import { CALL_OUTCOMES, type Outcome } from '../../../worklist/outcomes.js';
import { closeTask, emailsInDoubt, settleEmailInDoubt, snoozeUntil, taskOf, tasksOf } from '../../../app/tasks.js';
import { membersOf } from '../../../app/team.js';
import { PostButton } from '../components.js';
import { TASK_SORTS, type Task, type TaskFilter, type TaskSort } from '../../../worklist/store.js';
import { canWork } from '../../auth/roles.js';
import { nowOf, tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { fill, formatDate, formatMoney, type Dict } from '../i18n.js';
import { Badge, Csrf, Flash, Page, render } from '../layout.js';
import { safeNext } from './account.js';

const STATE_FILTERS = ['todo', 'snoozed', 'done', 'all'] as const;
type StateFilter = (typeof STATE_FILTERS)[number];

/** Outcomes offered first for a call-like task; the others close with "done" first. */
const CALL_LIKE = new Set<string>(['call', 'broken_promise', 'reply_to_read', 'bounced_email']);

const kindLabel = (t: Dict, kind: string) => t[`taskKind_${kind}` as keyof Dict] ?? kind;

export function TaskCard({ c, task, today, back }: { c: UiContext; task: Task; today: string; back: string }) {
  const t = c.get('t');
  const lang = c.get('lang');
  const csrf = c.get('session').csrfToken;
  const work = canWork(c.get('role')) && task.state !== 'done';
  const outcomes: readonly Outcome[] = CALL_LIKE.has(task.kind) ? [...CALL_OUTCOMES, 'done'] : ['done', ...CALL_OUTCOMES];
  const script = typeof task.detail['script'] === 'string' ? task.detail['script'] : null;
  const promisedOn = typeof task.outcomeDetail?.['on'] === 'string' ? ` (${formatDate(task.outcomeDetail['on'], lang)})` : '';
  const doneText = `${t.taskState_done} · ${t[`outcome_${task.outcome}` as keyof Dict] ?? ''}${promisedOn}${task.doneBy ? ` · ${t.by} ${task.doneBy}` : ''}`;
  const stateText = task.state === 'snoozed' ? fill(t.taskState_snoozed, { date: formatDate(task.snoozedUntil, lang) }) : task.state === 'done' ? doneText : t.taskState_open;
  return (
    <li class="card task" data-task={task.id} data-kind={task.kind} data-state={task.state}>
      <div class="task-head">
        <div>
          <Badge tone={task.kind === 'broken_promise' || task.kind === 'dispute' ? 'bad' : 'info'}>{kindLabel(t, task.kind)}</Badge> {task.urgent && task.state !== 'done' ? <Badge tone="warn">{t.taskUrgent}</Badge> : null}
          <h3>
            <a href={`/customers/${task.connectionId}/${encodeURIComponent(task.customerExternalId)}`}>{task.customerName}</a>
          </h3>
        </div>
        <div class="task-amount">
          <strong>{task.amount && task.currency ? formatMoney(task.amount, task.currency, lang) : '—'}</strong>
          <span class="muted" title={t.taskPriority}>
            {t.taskPriority} {Number(task.priority).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 0 })}
          </span>
        </div>
      </div>
      <p class="task-meta muted">
        {task.invoiceNumbers.length ? <span>{task.invoiceNumbers.join(', ')}</span> : null}
        <span>{fill(t.taskDueOn, { date: formatDate(task.dueOn, lang) })}</span>
        {task.daysLate > 0 ? <span>{fill(t.taskDaysLate, { n: task.daysLate })}</span> : null}
        <span data-owner>{fill(t.taskOwnerIs, { who: task.owner?.email ?? t.taskUnassigned })}</span>
        <span data-task-state>{stateText}</span>
      </p>
      {script ? (
        <details>
          <summary>{t.taskScript}</summary>
          <pre class="script">{script}</pre>
        </details>
      ) : null}
      {work ? (
        <div class="task-forms">
          <form method="post" action={`/tasks/${task.id}/snooze`} class="actions" data-snooze>
            <Csrf token={csrf} />
            <input type="hidden" name="back" value={back} />
            <label for={`sn-${task.id}`}>{t.taskSnoozeUntil}</label>
            <input id={`sn-${task.id}`} type="date" name="until" value={addDays(today, 1)} min={addDays(today, 1)} required />
            <button class="small secondary" type="submit">
              {t.taskSnooze}
            </button>
          </form>
          <form method="post" action={`/tasks/${task.id}/done`} class="task-done" data-done>
            <Csrf token={csrf} />
            <input type="hidden" name="back" value={back} />
            <div class="row">
              <div class="field">
                <label for={`oc-${task.id}`}>{t.taskOutcome}</label>
                <select id={`oc-${task.id}`} name="outcome">
                  {outcomes.map((o) => (
                    <option value={o}>{t[`outcome_${o}`]}</option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for={`on-${task.id}`}>{t.taskPromiseOn}</label>
                <input id={`on-${task.id}`} type="date" name="on" min={today} />
              </div>
              <div class="field">
                <label for={`am-${task.id}`}>{t.taskPromiseAmount}</label>
                <input id={`am-${task.id}`} type="text" name="amount" inputmode="decimal" />
              </div>
              <div class="field">
                <label for={`no-${task.id}`}>{t.taskNote}</label>
                <input id={`no-${task.id}`} type="text" name="note" maxlength={2000} />
              </div>
            </div>
            <button class="small" type="submit">
              {t.taskClose}
            </button>
          </form>
        </div>
      ) : null}
    </li>
  );
}

export function taskRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const page = async (c: UiContext, problem?: string, status: 200 | 422 = 200) => {
    const t = c.get('t');
    const tenant = tenantOf(c);
    const today = dateInZone(nowOf(deps), tenant.timeZone);
    const session = c.get('session');
    const q = c.req.query();
    const view = q['view'] === 'all' || (!session.userId && q['view'] !== 'mine') ? 'all' : 'mine';
    const state: StateFilter = (STATE_FILTERS as readonly string[]).includes(q['state'] ?? '') ? (q['state'] as StateFilter) : 'todo';
    const kind = TaskKind.safeParse(q['kind']).success ? (q['kind'] as TaskKind) : undefined;
    const sort: TaskSort = (TASK_SORTS as readonly string[]).includes(q['sort'] ?? '') ? (q['sort'] as TaskSort) : 'priority';
    const filter: TaskFilter = { state, sort, ...(kind ? { kind } : {}) };
    const members = await membersOf(deps, tenant.id);
    // All tasks can be narrowed to one member's, or to those nobody owns.
    const owner = view === 'all' && (q['owner'] === 'none' || members.some((m) => m.id === q['owner'])) ? q['owner']! : '';
    // The self-hosted admin is nobody's collector: "My tasks" are then the ones nobody owns yet.
    if (view === 'mine') Object.assign(filter, session.userId ? { ownerUserId: session.userId } : { unowned: true });
    else if (owner) Object.assign(filter, owner === 'none' ? { unowned: true } : { ownerUserId: owner });
    const [tasks, doubts, cases] = await Promise.all([tasksOf(deps, tenant, filter, today), emailsInDoubt(deps, tenant), openCases(deps, tenant.id)]);
    const back = c.req.url.slice(c.req.url.indexOf('/tasks'));
    const tab = (v: 'mine' | 'all') => `/tasks?view=${v}&state=${state}${kind ? `&kind=${kind}` : ''}&sort=${sort}`;
    return render(
      c,
      <Page c={c} title={view === 'mine' ? t.myTasks : t.allTasks} active="tasks" tenants={await visibleTenants(c, deps)} subtitle={t.tasksHint}>
        <nav class="tabs" aria-label={t.tasks}>
          <a href={tab('mine')} class={view === 'mine' ? 'on' : ''} aria-current={view === 'mine' ? 'page' : undefined}>
            {t.myTasks}
          </a>
          <a href={tab('all')} class={view === 'all' ? 'on' : ''} aria-current={view === 'all' ? 'page' : undefined}>
            {t.allTasks}
          </a>
        </nav>
        {problem ? <Flash tone="bad">{fill(t.taskInvalid, { why: problem })}</Flash> : null}
        <form method="get" action="/tasks" class="card task-filter">
          <input type="hidden" name="view" value={view} />
          <div class="row">
            <div class="field">
              <label for="f-state">{t.taskFilterState}</label>
              <select id="f-state" name="state">
                {STATE_FILTERS.map((s) => (
                  <option value={s} selected={s === state}>
                    {t[`taskFilter_${s}`]}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-kind">{t.taskFilterKind}</label>
              <select id="f-kind" name="kind">
                <option value="">{t.taskKindAll}</option>
                {TaskKind.options.map((k) => (
                  <option value={k} selected={k === kind}>
                    {kindLabel(t, k)}
                  </option>
                ))}
              </select>
            </div>
            {view === 'all' ? (
              <div class="field">
                <label for="f-owner">{t.taskOwner}</label>
                <select id="f-owner" name="owner">
                  <option value="">{t.taskOwnerAll}</option>
                  <option value="none" selected={owner === 'none'}>
                    {t.taskUnassigned}
                  </option>
                  {members
                    .filter((m) => m.role !== 'viewer')
                    .map((m) => (
                      <option value={m.id} selected={owner === m.id}>
                        {m.email}
                      </option>
                    ))}
                </select>
              </div>
            ) : null}
            <div class="field">
              <label for="f-sort">{t.taskSort}</label>
              <select id="f-sort" name="sort">
                {TASK_SORTS.map((s) => (
                  <option value={s} selected={s === sort}>
                    {t[`taskSort_${s}`]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button class="small secondary" type="submit">
            {t.taskApply}
          </button>
        </form>
        <p class="muted" data-task-count={tasks.length}>
          {fill(t.taskCount, { n: tasks.length })}
        </p>
        {tasks.length === 0 ? (
          <div class="card muted">{t.taskNone}</div>
        ) : (
          <ul class="tasks">
            {tasks.map((task) => (
              <TaskCard c={c} task={task} today={today} back={back} />
            ))}
          </ul>
        )}
        {(() => {
          // Reminders a stopped worker may or may not have handed over: never resent by themselves, settled here.
          if (!doubts.length) return null;
          const t = c.get('t');
          const csrf = c.get('session').csrfToken;
          return (
            <div class="card" data-in-doubt={doubts.length}>
              <h2>{t.doubtTitle}</h2>
              <p class="hint">{t.doubtHint}</p>
              <ul class="tasks">
                {doubts.map((d) => (
                  <li data-doubt>
                    <p>{fill(t.doubtLine, { customer: d.customerName ?? d.customerExternalId, invoices: d.invoiceNumbers.join(', '), on: formatDate(dateInZone(d.failedAt, tenant.timeZone), c.get('lang')) })}</p>
                    {canWork(c.get('role')) ? (
                      <div class="actions">
                        <PostButton action="/tasks/in-doubt" csrf={csrf} fields={{ key: d.actionKey, verdict: 'arrived' }} class="small">
                          {t.doubtArrived}
                        </PostButton>
                        <PostButton action="/tasks/in-doubt" csrf={csrf} fields={{ key: d.actionKey, verdict: 'resend' }} class="small secondary" confirm={t.doubtResendConfirm}>
                          {t.doubtResend}
                        </PostButton>
                      </div>
                    ) : null}
                  </li>
                ))}
              </ul>
            </div>
          );
        })()}
        {(() => {
          // Files handed over to a court, a commissaire de justice or an agency, followed here to their end.
          if (!cases.length) return null;
          return (
            <div class="card" data-cases={cases.length}>
              <h2>{c.get('t').casesTitle}</h2>
              {cases.map((k) => (
                <CaseView k={k} csrf={c.get('session').csrfToken} canChange={canWork(c.get('role'))} today={today} t={c.get('t')} lang={c.get('lang')} withCustomer />
              ))}
            </div>
          );
        })()}
      </Page>,
      status,
    );
  };

  app.get('/tasks', (c) => page(c));

  const backTo = (body: Record<string, unknown>, msg: string) => {
    const back = safeNext(typeof body['back'] === 'string' ? body['back'] : undefined, '/tasks');
    // Back to the worklist, or to the customer page the task was worked from.
    const path = back.startsWith('/tasks') || back.startsWith('/customers/') ? back : '/tasks';
    return `${path}${path.includes('?') ? '&' : '?'}msg=${msg}`.replace(/([?&])msg=[^&]*&/, '$1');
  };

  // The team's verdict on a reminder in doubt: it arrived (counted as sent, written back) or send it again.
  app.post('/tasks/in-doubt', async (c) => {
    if (!canWork(c.get('role'))) return c.text('Forbidden', 403);
    const body = await c.req.parseBody();
    const key = typeof body['key'] === 'string' ? body['key'] : '';
    const verdict = body['verdict'];
    if (!key || (verdict !== 'arrived' && verdict !== 'resend')) return c.text('Bad request: key and verdict (arrived or resend) are required', 400);
    if (!(await settleEmailInDoubt(deps, tenantOf(c), key, verdict, c.get('session').email))) return c.notFound();
    return c.redirect('/tasks?msg=doubtSettled', 303);
  });

  app.post('/tasks/:id/snooze', async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const until = typeof body['until'] === 'string' ? body['until'] : '';
    const r = await snoozeUntil(deps, tenantOf(c), c.req.param('id'), until, c.get('session').email);
    if (!r.ok && r.problem === 'not_found') return c.notFound();
    if (!r.ok) return page(c, r.problem === 'date' ? t.taskWhy_date : t.taskWhy_closed, 422);
    return c.redirect(backTo(body, 'taskSnoozed'), 303);
  });

  app.post('/tasks/:id/done', async (c) => {
    const tenant = tenantOf(c);
    const t = c.get('t');
    if (!(await taskOf(deps, tenant, c.req.param('id')))) return c.notFound();
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === 'string' && (body[k] as string).trim() ? (body[k] as string).trim() : undefined);
    const outcome = str('outcome');
    const on = str('on');
    const amount = str('amount')?.replace(/\s/g, '').replace(',', '.');
    const note = str('note');
    const r = await closeTask(deps, tenant, c.req.param('id'), { outcome: outcome as Outcome, ...(on ? { on } : {}), ...(amount ? { amount } : {}), ...(note ? { note } : {}) }, c.get('session').email);
    if (!r.ok) return r.problem === 'not_found' ? c.notFound() : page(c, t[`taskWhy_${r.problem}`], 422);
    return c.redirect(backTo(body, 'taskClosed'), 303);
  });
}
