// An insolvency notice in one shape whatever its publisher (#27), and a refused record kept with its reason: the store
// keeps them, the readers in src/insolvency produce them.

export type NoticeType = 'opening' | 'conversion' | 'plan' | 'closing';
/** The publication's own kind: a first notice, a correction of an earlier one, or its withdrawal (BODACC `typeavis`). */
export type NoticeKind = 'initial' | 'correction' | 'withdrawal';

/** The publisher a notice was read from; also the quarantine's `source`. */
export type NoticeSource = 'bodacc' | 'companies_house';

export interface InsolvencyNotice {
  source: NoticeSource;
  noticeId: string;
  regNo: string;
  type: NoticeType;
  kind: NoticeKind;
  court: string | null;
  judgmentDate: string;
  publicationDate: string;
  /** The mandataire judiciaire (France) or the office-holder(s) (UK), when the publisher names them. */
  mandataire: string | null;
  raw: unknown;
}

export interface RejectedNotice {
  noticeId: string | null;
  reason: string;
  raw: unknown;
}
