import {
  type ChangeEvent,
  type ClipboardEvent,
  type DragEvent,
  type HTMLAttributes,
  type InputHTMLAttributes,
  type KeyboardEvent,
  type MouseEvent,
  type RefObject,
  useCallback,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { type AddFilesResult, Uploader, type UploaderOptions, type UploaderSnapshot } from '../engine/uploader.js';
import { filesFromDataTransfer } from './folders.js';

export interface UseS3UploadOptions extends UploaderOptions {
  /** Allow choosing several files at once. Default true. */
  multiple?: boolean;
  /** Nothing can be added while disabled. */
  disabled?: boolean;
}

export interface UseS3UploadResult extends UploaderSnapshot {
  /** True while files are dragged over the drop area. */
  isDragActive: boolean;
  /** Props for the element that receives drops and clicks; spread them on it. */
  getRootProps: <T extends HTMLAttributes<HTMLElement>>(props?: T) => T & HTMLAttributes<HTMLElement>;
  /** Props for the hidden `<input type="file">`. */
  getInputProps: <T extends InputHTMLAttributes<HTMLInputElement>>(
    props?: T,
  ) => T & InputHTMLAttributes<HTMLInputElement> & { ref: RefObject<HTMLInputElement | null> };
  /** Opens the system file chooser. */
  open: () => void;
  addFiles: (files: Iterable<File> | ArrayLike<File>) => AddFilesResult;
  start: Uploader['start'];
  cancel: (fileId: string) => void;
  retry: (fileId: string) => void;
  pause: (fileId: string) => void;
  resume: (fileId: string) => void;
  remove: (fileId: string) => void;
  cancelAll: () => void;
  retryAll: () => void;
  clear: () => void;
  /** Forget the refused files shown to the user. */
  dismissRejections: () => void;
  /** The framework-free uploader underneath. */
  uploader: Uploader;
}

const SERVER_SNAPSHOT: UploaderSnapshot = {
  files: [],
  totals: { files: 0, bytesTotal: 0, bytesUploaded: 0, progress: 0, uploading: 0, complete: 0, failed: 0, speed: 0 },
  isUploading: false,
  isOffline: false,
  rejected: [],
};
const getServerSnapshot = () => SERVER_SNAPSHOT;

/**
 * The headless uploader: state, actions, and prop getters for a drop area and
 * a file input (react-dropzone style). `<S3Uploader>` is built on it.
 */
export function useS3Upload(options: UseS3UploadOptions): UseS3UploadResult {
  // Callbacks and headers may change between renders; the uploader reads the latest.
  const latest = useRef(options);
  latest.current = options;
  const [uploader] = useState(
    () =>
      new Uploader({
        ...options,
        headers: typeof options.headers === 'function' ? () => resolveHeaders(latest.current.headers) : options.headers,
        metadata: (file) => {
          const { metadata } = latest.current;
          return (typeof metadata === 'function' ? metadata(file) : metadata) ?? {};
        },
        onFileComplete: (result) => latest.current.onFileComplete?.(result),
        onFileError: (result) => latest.current.onFileError?.(result),
        onComplete: (results) => latest.current.onComplete?.(results),
      }),
  );

  // StrictMode mounts, unmounts and mounts again: destroy only if no mount follows.
  useEffect(() => {
    const pending = pendingDestroy.get(uploader);
    if (pending !== undefined) clearTimeout(pending);
    return () => {
      pendingDestroy.set(
        uploader,
        setTimeout(() => uploader.destroy(), 0),
      );
    };
  }, [uploader]);

  const snapshot = useSyncExternalStore(uploader.subscribe, uploader.getSnapshot, getServerSnapshot);
  const inputRef = useRef<HTMLInputElement | null>(null);
  const [isDragActive, setDragActive] = useState(false);
  const dragDepth = useRef(0);

  const addFiles = useCallback((files: Iterable<File> | ArrayLike<File>) => uploader.addFiles(files), [uploader]);
  const open = useCallback(() => {
    if (!latest.current.disabled) inputRef.current?.click();
  }, []);

  const getRootProps = useCallback(
    <T extends HTMLAttributes<HTMLElement>>(props?: T) => {
      const disabled = latest.current.disabled === true;
      return {
        role: 'button',
        tabIndex: disabled ? -1 : 0,
        'aria-disabled': disabled || undefined,
        ...props,
        onClick: (event: MouseEvent<HTMLElement>) => {
          props?.onClick?.(event);
          if (!event.defaultPrevented) open();
        },
        onKeyDown: (event: KeyboardEvent<HTMLElement>) => {
          props?.onKeyDown?.(event);
          if (event.defaultPrevented || event.target !== event.currentTarget) return;
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            open();
          }
        },
        onDragEnter: (event: DragEvent<HTMLElement>) => {
          props?.onDragEnter?.(event);
          event.preventDefault();
          dragDepth.current++;
          if (!disabled) setDragActive(true);
        },
        onDragOver: (event: DragEvent<HTMLElement>) => {
          props?.onDragOver?.(event);
          event.preventDefault();
          if (event.dataTransfer) event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
        },
        onDragLeave: (event: DragEvent<HTMLElement>) => {
          props?.onDragLeave?.(event);
          dragDepth.current = Math.max(0, dragDepth.current - 1);
          if (dragDepth.current === 0) setDragActive(false);
        },
        onDrop: (event: DragEvent<HTMLElement>) => {
          props?.onDrop?.(event);
          event.preventDefault();
          dragDepth.current = 0;
          setDragActive(false);
          if (!disabled && event.dataTransfer)
            void filesFromDataTransfer(event.dataTransfer).then((files) => files.length && addFiles(files));
        },
        onPaste: (event: ClipboardEvent<HTMLElement>) => {
          props?.onPaste?.(event);
          const files = event.clipboardData?.files;
          if (!disabled && files && files.length > 0) {
            event.preventDefault();
            addFiles(files);
          }
        },
      } as T & HTMLAttributes<HTMLElement>;
    },
    [addFiles, open],
  );

  const getInputProps = useCallback(
    <T extends InputHTMLAttributes<HTMLInputElement>>(props?: T) =>
      ({
        type: 'file',
        multiple: latest.current.multiple ?? true,
        accept: acceptAttribute(latest.current.accept),
        disabled: latest.current.disabled,
        tabIndex: -1,
        hidden: true,
        ...props,
        ref: inputRef,
        onChange: (event: ChangeEvent<HTMLInputElement>) => {
          props?.onChange?.(event);
          const input = event.currentTarget;
          if (input.files?.length) addFiles(input.files);
          // Let the same file be chosen again after it was removed.
          input.value = '';
        },
        // Clicks on the hidden input must not bubble to the root and open the chooser twice.
        onClick: (event: MouseEvent<HTMLInputElement>) => {
          props?.onClick?.(event);
          event.stopPropagation();
        },
      }) as unknown as T & InputHTMLAttributes<HTMLInputElement> & { ref: RefObject<HTMLInputElement | null> },
    [addFiles],
  );

  return {
    ...snapshot,
    isDragActive,
    getRootProps,
    getInputProps,
    open,
    addFiles,
    start: useCallback(() => uploader.start(), [uploader]),
    cancel: useCallback((id: string) => uploader.cancel(id), [uploader]),
    retry: useCallback((id: string) => uploader.retry(id), [uploader]),
    pause: useCallback((id: string) => uploader.pause(id), [uploader]),
    resume: useCallback((id: string) => uploader.resume(id), [uploader]),
    remove: useCallback((id: string) => uploader.remove(id), [uploader]),
    cancelAll: useCallback(() => uploader.cancelAll(), [uploader]),
    retryAll: useCallback(() => uploader.retryAll(), [uploader]),
    clear: useCallback(() => uploader.clear(), [uploader]),
    dismissRejections: useCallback(() => uploader.dismissRejections(), [uploader]),
    uploader,
  };
}

const pendingDestroy = new WeakMap<Uploader, ReturnType<typeof setTimeout>>();

async function resolveHeaders(headers: UploaderOptions['headers']): Promise<HeadersInit> {
  if (typeof headers === 'function') return headers();
  return headers ?? {};
}

function acceptAttribute(accept: UploaderOptions['accept']): string | undefined {
  if (accept === undefined) return undefined;
  return typeof accept === 'string' ? accept : accept.join(',');
}
