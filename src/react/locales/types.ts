import type { RejectionRule } from '../../engine/restrictions.js';
import type { FileStatus } from '../../engine/uploader.js';
import { number } from '../format.js';

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
  cancelFile: (name: string) => string;
  retryFile: (name: string) => string;
  removeFile: (name: string) => string;
  pauseFile: (name: string) => string;
  resumeFile: (name: string) => string;
  timeLeft: (duration: string) => string;
  /** "3 of 5 files uploaded" — plural forms are the locale's business. */
  uploadedCount: (complete: number, total: number) => string;
  failedCount: (count: number) => string;
  offline: string;
  /** Live-region sentences. */
  announceAdded: (count: number) => string;
  announceUploaded: (names: string[]) => string;
  announceFailed: (names: string[]) => string;
  announceRejected: (count: number) => string;
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
