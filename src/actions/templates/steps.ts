// What each shipped template is for: the channel it is written for, the policy language it belongs to, and the step id a new step using it gets.
import type { Channel } from '../../model/collections.js';
import type { Language } from '../format.js';
import { TEMPLATE_IDS, type TemplateId } from './catalog.js';

export interface TemplateUse {
  id: TemplateId;
  channel: Channel;
  /** The policy language whose ladder the template belongs to (its id prefix): a French policy picks among `fr.*`. */
  language: Language;
  /** The id a step gets when it is created with this template (the shipped policies use these ids). */
  stepId: string;
}

const USES: Record<TemplateId, { channel: Channel; stepId: string }> = {
  'fr.courtesy': { channel: 'email', stepId: 'courtesy' },
  'fr.reminder-1': { channel: 'email', stepId: 'reminder-1' },
  'fr.reminder-2': { channel: 'email', stepId: 'reminder-2' },
  'fr.firm-penalties': { channel: 'email', stepId: 'firm' },
  'fr.call-script': { channel: 'call', stepId: 'call' },
  'fr.mise-en-demeure': { channel: 'letter', stepId: 'formal-notice' },
  'fr.handoff-injonction': { channel: 'handoff', stepId: 'handoff' },
  'en.courtesy': { channel: 'email', stepId: 'courtesy' },
  'en.reminder-1': { channel: 'email', stepId: 'reminder-1' },
  'en.reminder-2': { channel: 'email', stepId: 'reminder-2' },
  'en.final-statutory-interest': { channel: 'email', stepId: 'firm' },
  'en.call-script': { channel: 'call', stepId: 'call' },
  'en.letter-before-action': { channel: 'letter', stepId: 'letter-before-action' },
  'en.handoff': { channel: 'handoff', stepId: 'handoff' },
};

/** Every shipped template with its use, in ladder order per language (French first). */
export const TEMPLATE_USES: readonly TemplateUse[] = [...TEMPLATE_IDS]
  .map((id) => ({ id, ...USES[id], language: (id.startsWith('fr.') ? 'fr' : 'en') as Language }))
  .sort((a, b) => (a.language === b.language ? Object.keys(USES).indexOf(a.id) - Object.keys(USES).indexOf(b.id) : a.language === 'fr' ? -1 : 1));

/** The use of a template id, or undefined for an id we do not ship. */
export const templateUse = (id: string): TemplateUse | undefined => TEMPLATE_USES.find((u) => u.id === id);
