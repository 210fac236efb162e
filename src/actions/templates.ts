// Liquid rendering of reminder templates, locked down for user-edited sources: no file access, strict filters, escaped HTML, size and time limits.
import { Liquid, TokenKind, Tokenizer, type FS, type TagToken } from 'liquidjs';
import type { Language } from './format.js';
import { BLOCKS, CATALOG, type BlockName, type TemplateParts } from './templates/catalog.js';

export { BLOCKS, CATALOG, TEMPLATE_IDS, familyOf, isFormalTemplate, type TemplateId, type TemplateParts } from './templates/catalog.js';
export { TEMPLATE_USES, templateUse, type TemplateUse } from './templates/steps.js';

/** Tags a template may use; anything else (include, render, layout, block, liquid…) is refused. */
export const ALLOWED_TAGS: ReadonlySet<string> = new Set([
  'if', 'elsif', 'else', 'endif', 'unless', 'endunless', 'case', 'when', 'endcase',
  'for', 'endfor', 'break', 'continue', 'cycle', 'tablerow', 'endtablerow',
  'assign', 'capture', 'endcapture', 'increment', 'decrement', 'echo',
  'comment', 'endcomment', 'raw', 'endraw', '#',
]);
const FILE_TAGS = new Set(['include', 'render', 'layout', 'block']);
/** `{% invoices %}` and `{% payment %}`: our blocks, inserted before Liquid sees the body (catalog.ts BLOCKS). */
const BLOCK_TAG = /\{%-?\s*(invoices|payment)\s*-?%\}/g;

/** Bigger than any sane reminder; stops a pasted novel or a generated bomb before parsing. */
export const MAX_TEMPLATE_CHARS = 50_000;
const RENDER_LIMIT_MS = 1_000;
const MEMORY_LIMIT = 10_000_000;

export class TemplateRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRejected';
  }
}

// Any attempt to reach the file system fails, even if a forbidden tag slipped past validation.
const noFs: FS = {
  exists: () => Promise.resolve(false),
  existsSync: () => false,
  readFile: () => Promise.reject(new TemplateRejected('templates cannot read files')),
  readFileSync: () => {
    throw new TemplateRejected('templates cannot read files');
  },
  resolve: (_dir: string, file: string) => file,
  contains: () => Promise.resolve(false),
  containsSync: () => false,
  sep: '/',
};

function engine(escape: boolean): Liquid {
  return new Liquid({
    fs: noFs,
    templates: {},
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    cache: false,
    parseLimit: MAX_TEMPLATE_CHARS,
    renderLimit: RENDER_LIMIT_MS,
    memoryLimit: MEMORY_LIMIT,
    ...(escape ? { outputEscape: 'escape' as const } : {}),
  });
}

const plain = engine(false);
const html = engine(true);

export type Validation = { ok: true } | { ok: false; message: string };

/** Checks a user-edited template: size, syntax, known filters, and only allowed tags (nothing that reads files). */
export function validateTemplate(source: string): Validation {
  if (source.length > MAX_TEMPLATE_CHARS) return { ok: false, message: `template is ${source.length} characters; the limit is ${MAX_TEMPLATE_CHARS}` };
  source = source.replace(BLOCK_TAG, '');
  let tokens;
  try {
    tokens = new Tokenizer(source, plain.options.operators).readTopLevelTokens(plain.options);
  } catch (e) {
    return { ok: false, message: `template syntax error: ${(e as Error).message}` };
  }
  for (const t of tokens) {
    if (t.kind !== TokenKind.Tag) continue;
    const name = (t as TagToken).name;
    if (FILE_TAGS.has(name)) return { ok: false, message: `the {% ${name} %} tag is not allowed: templates cannot read other files; paste the text into the template instead` };
    if (!ALLOWED_TAGS.has(name)) return { ok: false, message: `the {% ${name} %} tag is not allowed; allowed tags: ${[...ALLOWED_TAGS].filter((x) => !x.startsWith('end') && x !== '#').join(', ')}` };
  }
  try {
    plain.parse(source);
  } catch (e) {
    return { ok: false, message: `template error: ${(e as Error).message}` };
  }
  return { ok: true };
}

/** Throws TemplateRejected with the validation message. */
export function assertTemplate(source: string, part = 'template'): void {
  const v = validateTemplate(source);
  if (!v.ok) throw new TemplateRejected(`${part}: ${v.message}`);
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

/** The shipped parts of a template in a language; throws for an id we do not ship (a user template must then be given). */
export function shippedTemplate(templateId: string, lang: Language): TemplateParts {
  const t = CATALOG[templateId as keyof typeof CATALOG];
  if (!t) throw new TemplateRejected(`unknown template "${templateId}": choose one of ${Object.keys(CATALOG).join(', ')} or provide the template text`);
  return t[lang];
}

/** Line ends normalised, trailing blanks dropped, and at most one empty line in a row (conditions leave some). */
function tidy(text: string): string {
  return `${text.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
// A link as people write it in a text: up to a space, without the punctuation that ends the sentence.
const URL = /https?:\/\/[^\s<]*[^\s<.,;:!?)'"]/g;
// Private-use characters: nothing a template or a value can produce by accident, and untouched by escaping.
const MARK = /\uE000(\d+)\uE001/;
const MARKS = /(\uE000\d+\uE001)/;

/**
 * The HTML version of a rendered body: everything escaped (a body cannot carry markup of its own), blank lines make
 * paragraphs, lines make line breaks, "- " lines make a list, addresses become links, and our blocks go where the
 * body put them.
 */
function toHtml(rendered: string, blocks: readonly string[]): string {
  const out: string[] = [];
  const inline = (s: string) => escapeHtml(s).replace(URL, (u) => `<a href="${u}">${u}</a>`);
  for (const para of tidy(rendered).split(/\n\n/)) {
    for (const piece of para.split(MARKS)) {
      const mark = MARK.exec(piece);
      if (mark) {
        const block = (blocks[Number(mark[1])] ?? '').trim();
        if (block) out.push(block);
        continue;
      }
      const lines = piece.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
      if (lines.length === 0) continue;
      if (lines.every((l) => l.startsWith('- '))) out.push(`<ul>${lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`);
      else out.push(`<p>${lines.map(inline).join('<br>')}</p>`);
    }
  }
  return out.join('\n');
}

const languageOf = (vars: object): Language => ((vars as { language?: unknown }).language === 'en' ? 'en' : 'fr');

/**
 * Renders the subject (one line) and, from the one body, the text and the HTML versions; user-supplied parts are
 * validated first.
 */
export async function renderMessage(parts: TemplateParts, vars: object, opts: { trusted?: boolean } = {}): Promise<RenderedMessage> {
  if (!opts.trusted) {
    assertTemplate(parts.subject, 'subject');
    assertTemplate(parts.body, 'body');
  }
  const lang = languageOf(vars);
  const names: BlockName[] = [];
  const marked = parts.body.replace(BLOCK_TAG, (_m, name: BlockName) => `\uE000${names.push(name) - 1}\uE001`);
  const asText = parts.body.replace(BLOCK_TAG, (_m, name: BlockName) => BLOCKS[name][lang].text);
  const [subject, text, forHtml, blocks] = await Promise.all([
    plain.parseAndRender(parts.subject, vars),
    plain.parseAndRender(asText, vars),
    plain.parseAndRender(marked, vars),
    Promise.all(names.map((n) => html.parseAndRender(BLOCKS[n][lang].html, vars))),
  ]);
  return { subject: subject.replace(/[ \t\r\n]+/g, ' ').trim(), text: tidy(text), html: toHtml(forHtml, blocks) };
}
