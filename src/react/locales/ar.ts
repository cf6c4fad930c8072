import { count, plural, type UploaderLocale } from './types.js';

const list = (names: string[]) => new Intl.ListFormat('ar', { type: 'conjunction' }).format(names);

/** العربية — right to left. */
export const ar: UploaderLocale = {
  code: 'ar',
  dir: 'rtl',
  dropLabel: 'أفلت الملفات هنا أو انقر للاختيار',
  dropLabelTouch: 'اضغط لاختيار الملفات',
  dropLabelActive: 'أفلت لإضافة الملفات',
  chooseFiles: 'اختر ملفات لرفعها',
  filesList: 'الملفات',
  totalProgress: 'التقدم الكلي للرفع',
  fileProgress: (name) => `${name}: تقدم الرفع`,
  status: { queued: 'في الانتظار', uploading: 'جارٍ الرفع', paused: 'متوقف مؤقتًا', complete: 'تم الرفع', error: 'فشل', canceled: 'أُلغي' },
  cancel: 'إلغاء',
  retry: 'إعادة المحاولة',
  remove: 'إزالة',
  pause: 'إيقاف مؤقت',
  resume: 'استئناف',
  dismiss: 'إخفاء',
  cancelFile: (name) => `إلغاء ${name}`,
  retryFile: (name) => `إعادة محاولة ${name}`,
  removeFile: (name) => `إزالة ${name}`,
  pauseFile: (name) => `إيقاف ${name} مؤقتًا`,
  resumeFile: (name) => `استئناف ${name}`,
  timeLeft: (duration) => `يتبقى ${duration}`,
  uploadedCount: (complete, total) =>
    `تم رفع ${count('ar', complete)} من ${plural('ar', total, { zero: '# ملفات', one: 'ملف واحد', two: 'ملفين', few: '# ملفات', many: '# ملفًا', other: '# ملف' })}`,
  failedCount: (failed) => `فشل ${count('ar', failed)}`,
  offline: 'أنت غير متصل. الرفع متوقف مؤقتًا وسيستأنف تلقائيًا عند عودة الاتصال.',
  announceAdded: (count) => plural('ar', count, { one: 'أضيف ملف واحد.', two: 'أضيف ملفان.', few: 'أضيفت # ملفات.', other: 'أضيف # ملف.' }),
  announceUploaded: (names) =>
    names.length <= 3
      ? `تم رفع ${list(names)}.`
      : `تم رفع ${plural('ar', names.length, { few: '# ملفات', many: '# ملفًا', other: '# ملف' })}.`,
  announceFailed: (names) =>
    names.length <= 3
      ? `فشل رفع ${list(names)}.`
      : `فشل رفع ${plural('ar', names.length, { few: '# ملفات', many: '# ملفًا', other: '# ملف' })}.`,
  announceRejected: (count) => plural('ar', count, { one: 'لم يُضف ملف واحد.', two: 'لم يُضف ملفان.', other: 'لم تُضف # ملفات.' }),
  rejection: (name, rule, limit) => {
    switch (rule) {
      case 'accept':
        return `لم يُضف ${name}: المقبول فقط ${limit}.`;
      case 'maxFileSize':
        return `لم يُضف ${name}: الحد الأقصى لحجم الملف ${limit}.`;
      case 'minFileSize':
        return `لم يُضف ${name}: الحد الأدنى لحجم الملف ${limit}.`;
      case 'maxFiles':
        return `لم يُضف ${name}: ${limit} ملفات على الأكثر.`;
      case 'maxTotalSize':
        return `لم يُضف ${name}: الحد الأقصى للحجم الكلي ${limit}.`;
      case 'duplicate':
        return `${name} موجود بالفعل في القائمة.`;
    }
  },
};
