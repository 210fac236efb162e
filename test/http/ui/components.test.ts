// The shared page pieces render the very markup the pages wrote by hand before (a move, not a redesign).
import { describe, expect, it } from 'vitest';
import { jsx } from 'hono/jsx';
import { Card, Empty, PostButton, Table } from '../../../src/http/ui/components.js';

const html = (node: unknown) => String(node);

describe('shared page components', () => {
  it('a table: its box, the header row with column classes, the rows, and the attributes on the table', () => {
    const row = jsx('tr', {}, jsx('td', {}, 'a'));
    expect(html(jsx(Table, { class: 'stack', head: ['Date', { label: 'Montant', class: 'num' }] }, row))).toBe(
      '<div class="table-wrap"><table class="stack"><thead><tr><th>Date</th><th class="num">Montant</th></tr></thead><tbody><tr><td>a</td></tr></tbody></table></div>',
    );
    expect(html(jsx(Table, { wrap: false, head: ['Date'] }, row))).toBe('<table><thead><tr><th>Date</th></tr></thead><tbody><tr><td>a</td></tr></tbody></table>');
    expect(html(jsx(Table, { wrap: 'card', head: ['Date'] }))).toBe('<div class="card table-wrap"><table><thead><tr><th>Date</th></tr></thead><tbody></tbody></table></div>');
    expect(html(jsx(Table, { wrap: false, head: ['Date', null] }))).toBe('<table><thead><tr><th>Date</th></tr></thead><tbody></tbody></table>');
    // A boolean data attribute renders as it does on a hand-written <table data-team>.
    expect(html(jsx(Table, { wrap: false, class: 'stack', 'data-team': true, head: [] }))).toBe(html(jsx('table', { class: 'stack', 'data-team': true }, jsx('thead', {}, jsx('tr', {})), jsx('tbody', {}))));
  });

  it('a button that posts: the form token, hidden fields, its class and confirmation', () => {
    expect(html(jsx(PostButton, { action: '/t/1', csrf: 'k', fields: { id: '7' }, class: 'small danger', confirm: 'Sûr ?' }, 'Retirer'))).toBe(
      '<form method="post" action="/t/1" class="inline"><input type="hidden" name="_csrf" value="k"/><input type="hidden" name="id" value="7"/><button class="small danger" type="submit" data-confirm="Sûr ?">Retirer</button></form>',
    );
  });

  it('a card with its title and id, and the empty state', () => {
    expect(html(jsx(Card, { title: 'Relances', id: 'x' }, jsx(Empty, {}, 'Rien')))).toBe('<div class="card" id="x"><h2>Relances</h2><p class="muted">Rien</p></div>');
    expect(html(jsx(Card, { title: 'T' }))).toBe('<div class="card"><h2>T</h2></div>');
  });
});
