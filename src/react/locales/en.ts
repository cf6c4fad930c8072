import { count, plural, type UploaderLocale } from './types.js';

const list = (names: string[]) => new Intl.ListFormat('en', { type: 'conjunction' }).format(names);
/** Up to three names, or how many files. */
const several = (names: string[]) => (names.length <= 3 ? list(names) : plural('en', names.length, { one: '# file', other: '# files' }));

/** English (default). */
export const en: UploaderLocale = {
  code: 'en',
  dir: 'ltr',
  dropLabel: 'Drop files here or click to browse',
  dropLabelTouch: 'Tap to choose files',
  dropLabelActive: 'Drop to add the files',
  dropLabelPaste: 'Drop files here, click to browse, or paste',
  chooseFiles: 'Choose files to upload',
  filesList: 'Files',
  totalProgress: 'Total upload progress',
  fileProgress: (name) => `${name}: upload progress`,
  status: { queued: 'Waiting', uploading: 'Uploading', paused: 'Paused', complete: 'Uploaded', error: 'Failed', canceled: 'Canceled' },
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  pause: 'Pause',
  resume: 'Resume',
  dismiss: 'Dismiss',
  cancelAll: 'Cancel all',
  retryAll: 'Retry all',
  removeAll: 'Clear list',
  showNames: 'Show names',
  details: 'Details',
  cancelFile: (name) => `Cancel ${name}`,
  retryFile: (name) => `Retry ${name}`,
  removeFile: (name) => `Remove ${name}`,
  pauseFile: (name) => `Pause ${name}`,
  resumeFile: (name) => `Resume ${name}`,
  timeLeft: (duration) => `${duration} left`,
  waiting: 'waiting for the connection',
  uploadedCount: (complete, total) => `${count('en', complete)} of ${plural('en', total, { one: '# file', other: '# files' })} uploaded`,
  failedCount: (failed) => `${count('en', failed)} failed`,
  offline: 'You are offline. Uploads are paused and resume by themselves when the connection is back.',
  online: 'You are back online. Uploads continue.',
  failure: ({ code, status }) =>
    status === 401 || status === 403
      ? 'You may not upload this file. Sign in again?'
      : code === 'file_unreadable'
        ? 'This file can no longer be read. Choose it again.'
        : code.endsWith('unreachable') || code === 'storage_stalled'
          ? 'The connection was lost. Retry when you are online.'
          : 'The site could not take the file. Retry in a moment.',
  announceAdded: (count) => plural('en', count, { one: '# file added.', other: '# files added.' }),
  announceRejected: (count, reason) =>
    `${plural('en', count, { one: '# file was not added', other: '# files were not added' })}: ${reason}.`,
  announce: (names, change) => `${several(names)} ${change}.`,
  announceSummary: (counts) => `Finished: ${counts}.`,
  refusal: (rule, limit) =>
    ({
      accept: `only ${limit} are accepted`,
      maxFileSize: `files can be at most ${limit}`,
      minFileSize: `files must be at least ${limit}`,
      maxFiles: `at most ${limit} files`,
      maxTotalSize: `all files together can be at most ${limit}`,
      duplicate: 'already in the list',
    })[rule],
  rejection: (name, rule, limit) =>
    rule === 'duplicate' ? `${name} is already in the list.` : `${name} was not added: ${en.refusal(rule, limit)}.`,
};
