import { count, plural, type UploaderLocale } from './types.js';

const list = (names: string[]) => new Intl.ListFormat('en', { type: 'conjunction' }).format(names);

/** English (default). */
export const en: UploaderLocale = {
  code: 'en',
  dir: 'ltr',
  dropLabel: 'Drop files here or click to browse',
  dropLabelTouch: 'Tap to choose files',
  dropLabelActive: 'Drop to add the files',
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
  cancelFile: (name) => `Cancel ${name}`,
  retryFile: (name) => `Retry ${name}`,
  removeFile: (name) => `Remove ${name}`,
  pauseFile: (name) => `Pause ${name}`,
  resumeFile: (name) => `Resume ${name}`,
  timeLeft: (duration) => `${duration} left`,
  uploadedCount: (complete, total) => `${count('en', complete)} of ${plural('en', total, { one: '# file', other: '# files' })} uploaded`,
  failedCount: (failed) => `${count('en', failed)} failed`,
  offline: 'You are offline. Uploads are paused and resume by themselves when the connection is back.',
  announceAdded: (count) => plural('en', count, { one: '# file added.', other: '# files added.' }),
  announceUploaded: (names) => (names.length <= 3 ? `${list(names)} uploaded.` : `${count('en', names.length)} files uploaded.`),
  announceFailed: (names) => (names.length <= 3 ? `${list(names)} failed.` : `${count('en', names.length)} files failed.`),
  announceRejected: (count) => plural('en', count, { one: '# file was not added.', other: '# files were not added.' }),
  rejection: (name, rule, limit) =>
    rule === 'duplicate'
      ? `${name} is already in the list.`
      : `${name} was not added: ${
          {
            accept: `only ${limit} are accepted`,
            maxFileSize: `files can be at most ${limit}`,
            minFileSize: `files must be at least ${limit}`,
            maxFiles: `at most ${limit} files`,
            maxTotalSize: `all files together can be at most ${limit}`,
          }[rule]
        }.`,
};
