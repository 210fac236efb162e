/** @jsxImportSource hono/jsx */
// Inbound mail in the pages: the customer's mail on their page (text, attachments to download, bounced addresses),
// and the unmatched list where a person puts a message on a customer by hand.
import type { Hono } from 'hono';
import type { FailingAddress, StoredInbound } from '../../../store/mail.js';
import { clearBouncedAddress, mailAttachment, placeMail, unmatchedInbox } from '../../../app/mail.js';
import { tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { fill, formatDate, type Dict, type Lang } from '../i18n.js';
import { Badge, Csrf, Page, render } from '../layout.js';
import { Card, Empty, PostButton } from '../components.js';

const kindTone = (k: StoredInbound['kind']) => (k === 'reply' ? 'info' : k === 'bounce' ? 'bad' : k === 'unreadable' ? 'warn' : undefined);

function size(bytes: number, lang: Lang): string {
  const fmt = (n: number) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(n);
  if (bytes < 1024) return `${fmt(bytes)} ${lang === 'fr' ? 'o' : 'B'}`;
  if (bytes < 1024 * 1024) return `${fmt(bytes / 1024)} ${lang === 'fr' ? 'Ko' : 'KB'}`;
  return `${fmt(bytes / 1024 / 1024)} ${lang === 'fr' ? 'Mo' : 'MB'}`;
}

function matchNote(m: StoredInbound, t: Dict): string {
  switch (m.matchedBy) {
    case 'token':
      return t.mail_by_token;
    case 'references':
      return t.mail_by_references;
    case 'sender':
      return t.mail_by_sender;
    default:
      return '';
  }
}

/** One message as the team reads it: who, when, what kind, the text, the files. */
function MailItem(props: { m: StoredInbound; t: Dict; lang: Lang; tz: string; fileHref: ((attachmentId: string) => string) | null }) {
  const { m, t, lang, tz, fileHref } = props;
  return (
    <li class="mail" data-mail={m.kind}>
      <div class="mail-head">
        <Badge tone={kindTone(m.kind)}>{t[`mail_kind_${m.kind}`]}</Badge>
        <strong>{m.subject || t.mail_noSubject}</strong>
      </div>
      <div class="hint">
        {t.mail_from} {m.fromAddress ?? '—'} · {t.mail_received} {formatDate(m.receivedAt, lang, tz)}
        {m.matchedBy === 'hand' ? ` · ${fill(t.mail_by_hand, { who: m.assignedBy ?? '—' })}` : m.matchedBy ? ` · ${matchNote(m, t)}` : ''}
      </div>
      {m.kind === 'auto_reply' ? <div class="hint">{t.mail_auto_note}</div> : null}
      {m.kind === 'bounce' && m.failedAddress ? <div class="err">{fill(t.mail_bounce_note, { address: m.failedAddress, status: m.dsnStatus ?? '—' })}</div> : null}
      {m.bodyText ? <div class="mail-text">{m.bodyText.length > 4000 ? `${m.bodyText.slice(0, 4000)}…` : m.bodyText}</div> : null}
      {m.attachments.length ? (
        <div class="mail-files">
          <span class="hint">{t.mail_attachments} : </span>
          {m.attachments.map((a) =>
            a.kept && fileHref ? (
              <a href={fileHref(a.id)} download={a.filename} data-attachment={a.filename}>
                {a.filename} ({size(a.size, lang)})
              </a>
            ) : (
              <span class="hint" data-attachment={a.filename}>
                {a.filename} ({size(a.size, lang)}, {t.mail_dropped})
              </span>
            ),
          )}
        </div>
      ) : null}
    </li>
  );
}

/** The customer's mail card on their page: newest first, with the addresses that bounced and a way to clear them. */
export function CustomerMailCard(props: { c: UiContext; base: string; mailbox: { mail: StoredInbound[]; failing: FailingAddress[] } }) {
  const { c, base } = props;
  const { mail, failing } = props.mailbox;
  const t = c.get('t');
  const lang = c.get('lang');
  const tenant = tenantOf(c);
  const csrf = c.get('session').csrfToken;
  return (
    <Card title={t.mail_title} id="mail">
      {failing.length ? (
        <div class="flash bad" role="status" data-failing={failing.map((f) => f.address).join(',')}>
          <strong>{t.mail_failing}</strong>
          {failing.map((f: FailingAddress) => (
            <div class="actions">
              <span>{fill(t.mail_failing_since, { address: f.address, since: formatDate(f.since, lang, tenant.timeZone), status: f.status ?? '—' })}</span>
              <PostButton action={`${base}/mail/failing/clear`} csrf={csrf} fields={{ address: f.address }} class="small secondary">
                {t.mail_clear}
              </PostButton>
            </div>
          ))}
        </div>
      ) : null}
      {mail.length === 0 ? (
        <Empty>{t.mail_none}</Empty>
      ) : (
        <ul class="mail-list">
          {mail.map((m) => (
            <MailItem m={m} t={t} lang={lang} tz={tenant.timeZone} fileHref={(id) => `${base}/mail/files/${id}`} />
          ))}
        </ul>
      )}
    </Card>
  );
}

export function mailRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/customers/:connectionId/:customerId/mail/files/:attachmentId', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId, attachmentId } = c.req.param();
    if (!/^[0-9a-f-]{36}$/i.test(connectionId)) return c.notFound();
    const file = await mailAttachment(deps, tenant.id, connectionId, customerId, attachmentId);
    if (!file) return c.notFound();
    // Always a download, never rendered in our origin: the bytes come from outside.
    const name = file.filename.replace(/[^\w.\- ]/g, '_');
    return c.body(new Uint8Array(file.bytes), 200, { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${name}"`, 'x-content-type-options': 'nosniff' });
  });

  app.post('/customers/:connectionId/:customerId/mail/failing/clear', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    const body = await c.req.parseBody();
    const address = typeof body['address'] === 'string' ? body['address'].slice(0, 320) : '';
    if (!/^[0-9a-f-]{36}$/i.test(connectionId)) return c.notFound();
    if (!(await clearBouncedAddress(deps, tenant.id, connectionId, customerId, address, c.get('session').email))) return c.notFound();
    return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}#mail`, 303);
  });

  app.get('/mail/unmatched', async (c) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const tenant = tenantOf(c);
    // Mail of no company is the operator's to place: shown to the self-hosted admin, never to a company's own sign-in.
    const unowned = !c.get('session').locked;
    const { mail, customers } = await unmatchedInbox(deps, tenant.id, unowned);
    const csrf = c.get('session').csrfToken;
    return render(
      c,
      <Page c={c} title={t.unmatchedMail} active="unmatchedMail" tenants={await visibleTenants(c, deps)}>
        <div class="card">
          <p class="hint">{t.unmatched_hint}</p>
          {mail.length === 0 ? (
            <Empty>{t.unmatched_none}</Empty>
          ) : (
            <ul class="mail-list">
              {mail.map((m) => (
                <li class="mail" data-unmatched={m.id}>
                  <ul class="mail-list">
                    <MailItem m={m} t={t} lang={lang} tz={tenant.timeZone} fileHref={null} />
                  </ul>
                  <div class="hint" data-reason={m.unmatchedReason ?? ''}>
                    {m.unmatchedReason ? t[`unmatched_reason_${m.unmatchedReason as 'no_match'}`] ?? '' : ''}
                    {m.tenantId === null ? ` · ${t.unmatched_unowned}` : ''}
                  </div>
                  <form method="post" action={`/mail/unmatched/${m.id}/assign`} class="actions">
                    <Csrf token={csrf} />
                    <label for={`assign-${m.id}`}>{t.unmatched_customer}</label>
                    <select id={`assign-${m.id}`} name="customer">
                      {customers.map((cu) => (
                        <option value={`${cu.connectionId}|${cu.id}`}>
                          {cu.name}
                          {cu.email ? ` · ${cu.email}` : ''}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="small">
                      {t.unmatched_assign}
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </div>
      </Page>,
    );
  });

  app.post('/mail/unmatched/:id/assign', async (c) => {
    const tenant = tenantOf(c);
    const id = c.req.param('id');
    const body = await c.req.parseBody();
    const [connectionId, customerId] = (typeof body['customer'] === 'string' ? body['customer'] : '').split('|', 2);
    if (!connectionId || !customerId || !/^[0-9a-f-]{36}$/i.test(connectionId)) return c.text('choose a customer', 422);
    // Only the operator may take mail of no company; a company's own sign-in places its own unmatched mail only.
    // A reply placed by hand pauses the customer and asks for its task, as a matched one does.
    if (!(await placeMail(deps, tenant, id, connectionId, customerId, !c.get('session').locked, c.get('session').email))) return c.notFound();
    return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}?msg=mailAssigned#mail`, 303);
  });
}
