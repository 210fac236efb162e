/** @jsxImportSource hono/jsx */
// Shared pieces of page markup: a table with its header row, a card with its title, the empty state (badges, flashes
// and field errors are in layout.tsx; money and dates are formatted by i18n.ts).
import type { Child, FC } from 'hono/jsx';
import { Csrf } from './layout.js';

/** A column heading: its text, or its text and a class ("num" right-aligns, "hide-sm" hides on a phone); null: no such column. */
export type Column = Child | { label: Child; class: string };

const isClassed = (c: Column): c is { label: Child; class: string } => typeof c === 'object' && c !== null && !Array.isArray(c) && 'label' in c && 'class' in c;

/**
 * A table with one header row; the rows are the children. Scrolls sideways in its own box (`wrap`, the default) unless
 * the parent already does; `wrap="card"` makes the box a card of its own. Other attributes (class="stack": one card a row on a phone) go on the table.
 */
export const Table: FC<{ head: readonly Column[]; wrap?: boolean | 'card'; class?: string; children?: Child; [attr: `data-${string}`]: unknown }> = ({ head, wrap = true, children, ...attrs }) => {
  const table = (
    <table {...attrs}>
      <thead>
        <tr>{head.filter((h) => h !== null && h !== undefined && h !== false).map((h) => (isClassed(h) ? <th class={h.class}>{h.label}</th> : <th>{h}</th>))}</tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return wrap ? <div class={wrap === 'card' ? 'card table-wrap' : 'table-wrap'}>{table}</div> : table;
};

/** A card with its title (h2); `id` makes it a link target. */
export const Card: FC<{ title: Child; id?: string; children?: Child }> = ({ title, id, children }) => (
  <div class="card" {...(id ? { id } : {})}>
    <h2>{title}</h2>
    {children}
  </div>
);

/** What a list shows when there is nothing in it. */
export const Empty: FC<{ children?: Child }> = ({ children }) => <p class="muted">{children}</p>;

/**
 * One button that posts (with the session's CSRF token and any hidden fields) to `action`; `confirm` asks first (the
 * page script reads data-confirm).
 */
export const PostButton: FC<{ action: string; csrf: string; fields?: Record<string, string>; class?: string; confirm?: string; children?: Child }> = ({ action, csrf, fields = {}, class: cls, confirm, children }) => (
  <form method="post" action={action} class="inline">
    <Csrf token={csrf} />
    {Object.entries(fields).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
    <button class={cls} type="submit" {...(confirm ? { 'data-confirm': confirm } : {})}>
      {children}
    </button>
  </form>
);
