import { count, plural, type UploaderLocale } from './types.js';

const list = (names: string[]) => new Intl.ListFormat('de', { type: 'conjunction' }).format(names);

/** Deutsch. */
export const de: UploaderLocale = {
  code: 'de',
  dir: 'ltr',
  dropLabel: 'Dateien hierher ziehen oder klicken, um auszuwählen',
  dropLabelTouch: 'Tippen, um Dateien auszuwählen',
  dropLabelActive: 'Loslassen, um die Dateien hinzuzufügen',
  chooseFiles: 'Dateien zum Hochladen auswählen',
  filesList: 'Dateien',
  totalProgress: 'Gesamtfortschritt des Hochladens',
  fileProgress: (name) => `${name}: Fortschritt des Hochladens`,
  status: {
    queued: 'Wartet',
    uploading: 'Wird hochgeladen',
    paused: 'Angehalten',
    complete: 'Hochgeladen',
    error: 'Fehlgeschlagen',
    canceled: 'Abgebrochen',
  },
  cancel: 'Abbrechen',
  retry: 'Erneut versuchen',
  remove: 'Entfernen',
  pause: 'Anhalten',
  resume: 'Fortsetzen',
  dismiss: 'Ausblenden',
  cancelFile: (name) => `${name} abbrechen`,
  retryFile: (name) => `${name} erneut versuchen`,
  removeFile: (name) => `${name} entfernen`,
  pauseFile: (name) => `${name} anhalten`,
  resumeFile: (name) => `${name} fortsetzen`,
  timeLeft: (duration) => `noch ${duration}`,
  uploadedCount: (complete, total) =>
    `${count('de', complete)} von ${plural('de', total, { one: '# Datei', other: '# Dateien' })} hochgeladen`,
  failedCount: (failed) => `${count('de', failed)} fehlgeschlagen`,
  offline: 'Sie sind offline. Das Hochladen ist angehalten und geht von selbst weiter, sobald die Verbindung zurück ist.',
  announceAdded: (count) => plural('de', count, { one: '# Datei hinzugefügt.', other: '# Dateien hinzugefügt.' }),
  announceUploaded: (names) => (names.length <= 3 ? `${list(names)} hochgeladen.` : `${count('de', names.length)} Dateien hochgeladen.`),
  announceFailed: (names) =>
    names.length <= 3 ? `${list(names)} fehlgeschlagen.` : `${count('de', names.length)} Dateien fehlgeschlagen.`,
  announceRejected: (count) =>
    plural('de', count, { one: '# Datei wurde nicht hinzugefügt.', other: '# Dateien wurden nicht hinzugefügt.' }),
  rejection: (name, rule, limit) => {
    switch (rule) {
      case 'accept':
        return `${name} wurde nicht hinzugefügt: nur ${limit} sind erlaubt.`;
      case 'maxFileSize':
        return `${name} wurde nicht hinzugefügt: Dateien dürfen höchstens ${limit} groß sein.`;
      case 'minFileSize':
        return `${name} wurde nicht hinzugefügt: Dateien müssen mindestens ${limit} groß sein.`;
      case 'maxFiles':
        return `${name} wurde nicht hinzugefügt: höchstens ${limit} Dateien.`;
      case 'maxTotalSize':
        return `${name} wurde nicht hinzugefügt: alle Dateien zusammen dürfen höchstens ${limit} groß sein.`;
      case 'duplicate':
        return `${name} ist schon in der Liste.`;
    }
  },
};
