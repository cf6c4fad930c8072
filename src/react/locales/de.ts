import { count, plural, type UploaderLocale } from './types.js';

const list = (names: string[]) => new Intl.ListFormat('de', { type: 'conjunction' }).format(names);
/** Up to three names, or how many files. */
const several = (names: string[]) => (names.length <= 3 ? list(names) : plural('de', names.length, { one: '# Datei', other: '# Dateien' }));

/** Deutsch. */
export const de: UploaderLocale = {
  code: 'de',
  dir: 'ltr',
  dropLabel: 'Dateien hierher ziehen oder klicken, um auszuwählen',
  dropLabelTouch: 'Tippen, um Dateien auszuwählen',
  dropLabelActive: 'Loslassen, um die Dateien hinzuzufügen',
  dropLabelPaste: 'Dateien hier ablegen, zum Auswählen klicken oder einfügen',
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
  cancelAll: 'Alle abbrechen',
  retryAll: 'Alle erneut versuchen',
  removeAll: 'Liste leeren',
  showNames: 'Namen zeigen',
  details: 'Details',
  cancelFile: (name) => `${name} abbrechen`,
  retryFile: (name) => `${name} erneut versuchen`,
  removeFile: (name) => `${name} entfernen`,
  pauseFile: (name) => `${name} anhalten`,
  resumeFile: (name) => `${name} fortsetzen`,
  timeLeft: (duration) => `noch ${duration}`,
  waiting: 'wartet auf die Verbindung',
  uploadedCount: (complete, total) =>
    `${count('de', complete)} von ${plural('de', total, { one: '# Datei', other: '# Dateien' })} hochgeladen`,
  failedCount: (failed) => `${count('de', failed)} fehlgeschlagen`,
  offline: 'Sie sind offline. Das Hochladen ist angehalten und geht von selbst weiter, sobald die Verbindung zurück ist.',
  online: 'Sie sind wieder online. Das Hochladen geht weiter.',
  failure: ({ code, status }) =>
    status === 401 || status === 403
      ? 'Sie dürfen diese Datei nicht hochladen. Melden Sie sich neu an oder fragen Sie den Betreiber der Seite.'
      : code === 'file_unreadable'
        ? 'Die Datei lässt sich nicht mehr lesen. Wählen Sie sie erneut aus.'
        : code.endsWith('unreachable') || code === 'storage_stalled'
          ? 'Die Verbindung ist abgebrochen. Prüfen Sie Ihr Netz und versuchen Sie es erneut.'
          : 'Das Hochladen ist auf Seiten der Website gescheitert. Versuchen Sie es gleich noch einmal.',
  announceAdded: (count) => plural('de', count, { one: '# Datei hinzugefügt.', other: '# Dateien hinzugefügt.' }),
  announceRejected: (count, reason) =>
    `${plural('de', count, { one: '# Datei wurde nicht hinzugefügt', other: '# Dateien wurden nicht hinzugefügt' })}: ${reason}.`,
  announce: (names, change) =>
    `${several(names)} ${{ paused: 'angehalten', resumed: 'fortgesetzt', canceled: 'abgebrochen', uploaded: 'hochgeladen', failed: 'fehlgeschlagen' }[change]}.`,
  announceSummary: (counts) => `Fertig: ${counts}.`,
  refusal: (rule, limit) =>
    ({
      accept: `nur ${limit} sind erlaubt`,
      maxFileSize: `Dateien dürfen höchstens ${limit} groß sein`,
      minFileSize: `Dateien müssen mindestens ${limit} groß sein`,
      maxFiles: `höchstens ${limit} Dateien`,
      maxTotalSize: `alle Dateien zusammen dürfen höchstens ${limit} groß sein`,
      duplicate: 'schon in der Liste',
    })[rule],
  rejection: (name, rule, limit) =>
    rule === 'duplicate' ? `${name} ist schon in der Liste.` : `${name} wurde nicht hinzugefügt: ${de.refusal(rule, limit)}.`,
};
