import { count, plural, type UploaderLocale } from './types.js';

const list = (names: string[]) => new Intl.ListFormat('ar', { type: 'conjunction' }).format(names);
/** Up to three names, or how many files. */
const several = (names: string[]) =>
  names.length <= 3 ? list(names) : plural('ar', names.length, { few: '# ملفات', many: '# ملفًا', other: '# ملف' });

/** العربية — right to left. */
export const ar: UploaderLocale = {
  code: 'ar',
  dir: 'rtl',
  dropLabel: 'أفلت الملفات هنا أو انقر للاختيار',
  dropLabelTouch: 'اضغط لاختيار الملفات',
  dropLabelActive: 'أفلت لإضافة الملفات',
  dropLabelPaste: 'أفلت الملفات هنا أو انقر للاستعراض أو الصقها',
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
  cancelAll: 'إلغاء الكل',
  retryAll: 'إعادة محاولة الكل',
  removeAll: 'مسح القائمة',
  showNames: 'إظهار الأسماء',
  details: 'التفاصيل',
  cancelFile: (name) => `إلغاء ${name}`,
  retryFile: (name) => `إعادة محاولة ${name}`,
  removeFile: (name) => `إزالة ${name}`,
  pauseFile: (name) => `إيقاف ${name} مؤقتًا`,
  resumeFile: (name) => `استئناف ${name}`,
  timeLeft: (duration) => `يتبقى ${duration}`,
  waiting: 'بانتظار الاتصال',
  uploadedCount: (complete, total) =>
    `تم رفع ${count('ar', complete)} من ${plural('ar', total, { zero: '# ملفات', one: 'ملف واحد', two: 'ملفين', few: '# ملفات', many: '# ملفًا', other: '# ملف' })}`,
  failedCount: (failed) => `فشل ${count('ar', failed)}`,
  offline: 'أنت غير متصل. الرفع متوقف مؤقتًا وسيستأنف تلقائيًا عند عودة الاتصال.',
  online: 'عاد الاتصال. يستمر الرفع.',
  failure: ({ code, status }) =>
    status === 401 || status === 403
      ? 'غير مسموح لك برفع هذا الملف. سجّل الدخول مرة أخرى أو اسأل صاحب الموقع.'
      : code === 'file_unreadable'
        ? 'تعذّرت قراءة هذا الملف. اختره مرة أخرى.'
        : code.endsWith('unreachable') || code === 'storage_stalled'
          ? 'انقطع الاتصال. تحقق من الشبكة وحاول مرة أخرى.'
          : 'فشل الرفع من جهة الموقع. حاول مرة أخرى بعد قليل.',
  announceAdded: (count) => plural('ar', count, { one: 'أضيف ملف واحد.', two: 'أضيف ملفان.', few: 'أضيفت # ملفات.', other: 'أضيف # ملف.' }),
  announceRejected: (count, reason) =>
    `${plural('ar', count, { one: 'لم يُضف ملف واحد', two: 'لم يُضف ملفان', few: 'لم تُضف # ملفات', other: 'لم يُضف # ملف' })}: ${reason}.`,
  announce: (names, change) =>
    `${{ paused: 'أوقف مؤقتًا', resumed: 'استؤنف', canceled: 'أُلغي', uploaded: 'تم رفع', failed: 'فشل رفع' }[change]} ${several(names)}.`,
  announceSummary: (counts) => `انتهى: ${counts}.`,
  refusal: (rule, limit) =>
    ({
      accept: `المقبول فقط ${limit}`,
      maxFileSize: `الحد الأقصى لحجم الملف ${limit}`,
      minFileSize: `الحد الأدنى لحجم الملف ${limit}`,
      maxFiles: `${limit} ملفات على الأكثر`,
      maxTotalSize: `الحد الأقصى للحجم الكلي ${limit}`,
      duplicate: 'موجود بالفعل في القائمة',
    })[rule],
  rejection: (name, rule, limit) =>
    rule === 'duplicate' ? `${name} موجود بالفعل في القائمة.` : `لم يُضف ${name}: ${ar.refusal(rule, limit)}.`,
};
