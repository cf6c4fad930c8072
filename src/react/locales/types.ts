import type { RejectionRule } from '../../engine/restrictions.js';
import type { FileStatus } from '../../engine/uploader.js';
import type { UploadErrorCode } from '../../protocol/errors.js';
import { number } from '../format.js';

/** What happened to files, as the live region says it. */
export type Change = 'paused' | 'resumed' | 'canceled' | 'uploaded' | 'failed';

/** Every string the widget shows or announces. Functions receive already formatted values. */
export interface UploaderLocale {
  /** BCP 47 tag, used for Intl number, unit and plural formatting. */
  code: string;
  /** Writing direction of the language. */
  dir: 'ltr' | 'rtl';
  dropLabel: string;
  /** The drop area's text on touch screens, where there is nothing to drop from or click with. */
  dropLabelTouch: string;
  dropLabelActive: string;
  /** The drop area's text when files pasted anywhere on the page are added (`pasteFromPage`). */
  dropLabelPaste: string;
  chooseFiles: string;
  filesList: string;
  totalProgress: string;
  fileProgress: (name: string) => string;
  status: Record<FileStatus, string>;
  cancel: string;
  retry: string;
  remove: string;
  pause: string;
  resume: string;
  dismiss: string;
  /** Buttons for the whole list: cancel every running file, retry every failed or canceled one, empty the list. */
  cancelAll: string;
  retryAll: string;
  removeAll: string;
  /** Opens the list of names of a group of refused files. */
  showNames: string;
  /** Opens a failed file's technical detail. */
  details: string;
  cancelFile: (name: string) => string;
  retryFile: (name: string) => string;
  removeFile: (name: string) => string;
  pauseFile: (name: string) => string;
  resumeFile: (name: string) => string;
  timeLeft: (duration: string) => string;
  /** Said instead of speed and time left when no bytes have moved for a few seconds. */
  waiting: string;
  /** "3 of 5 files uploaded" — plural forms are the locale's business. */
  uploadedCount: (complete: number, total: number) => string;
  failedCount: (count: number) => string;
  offline: string;
  /** Announced when the connection is back. */
  online: string;
  /** Why an upload failed, in words for people, by the error's code (HTTP status when there is one). */
  failure: (error: { code: UploadErrorCode; status?: number }) => string;
  /** Live-region sentences. */
  announceAdded: (count: number) => string;
  /** Files refused for one reason: "30 files were not added: files can be at most 1 MB." */
  announceRejected: (count: number, reason: string) => string;
  /** Announced for files that changed: "a.txt and b.txt uploaded.", "12 files failed.", "held.txt paused." */
  announce: (names: string[], change: Change) => string;
  /** The end of a batch, around the status line's counts ("19 of 20 files uploaded, 1 failed"). */
  announceSummary: (counts: string) => string;
  /** Why files were refused, without a name: "files can be at most 10 MB". */
  refusal: (rule: RejectionRule, limit: string) => string;
  /** Why a file was refused, naming the rule and its limit (already formatted: "10 MB", "5", "image/*, .pdf"). */
  rejection: (name: string, rule: RejectionRule, limit: string) => string;
}

/** A count in the locale's digits and grouping: "1,000", "1.000", "١٬٠٠٠". */
export const count = (code: string, value: number): string => number(value, code);

/** Picks a plural form with Intl.PluralRules. */
export function plural(code: string, value: number, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }): string {
  const form = forms[new Intl.PluralRules(code).select(value)] ?? forms.other;
  return form.replace('#', count(code, value));
}
