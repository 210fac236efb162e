// Liquid rendering of reminder templates, locked down for user-edited sources: no file access, strict filters, escaped HTML, size and time limits.
import { Liquid, TokenKind, Tokenizer, type FS, type TagToken } from 'liquidjs';
import type { Language } from './format.js';
import { CATALOG, type TemplateParts } from './templates/catalog.js';

export { CATALOG, TEMPLATE_IDS, familyOf, isFormalTemplate, type TemplateId, type TemplateParts } from './templates/catalog.js';
export { TEMPLATE_USES, templateUse, type TemplateUse } from './templates/steps.js';

/** Tags a template may use; anything else (include, render, layout, block, liquid…) is refused. */
export const ALLOWED_TAGS: ReadonlySet<string> = new Set([
  'if', 'elsif', 'else', 'endif', 'unless', 'endunless', 'case', 'when', 'endcase',
  'for', 'endfor', 'break', 'continue', 'cycle', 'tablerow', 'endtablerow',
  'assign', 'capture', 'endcapture', 'increment', 'decrement', 'echo',
  'comment', 'endcomment', 'raw', 'endraw', '#',
]);
const FILE_TAGS = new Set(['include', 'render', 'layout', 'block']);

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

/** Renders subject (one line), text and escaped HTML; user-supplied parts are validated first. */
export async function renderMessage(parts: TemplateParts, vars: object, opts: { trusted?: boolean } = {}): Promise<RenderedMessage> {
  if (!opts.trusted) {
    assertTemplate(parts.subject, 'subject');
    assertTemplate(parts.text, 'text');
    assertTemplate(parts.html, 'html');
  }
  const [subject, text, body] = await Promise.all([
    plain.parseAndRender(parts.subject, vars),
    plain.parseAndRender(parts.text, vars),
    html.parseAndRender(parts.html, vars),
  ]);
  return { subject: subject.replace(/[ \t\r\n]+/g, ' ').trim(), text, html: body };
}
