import {
  type ChangeEvent,
  type ClipboardEvent,
  type DragEvent,
  type HTMLAttributes,
  type InputHTMLAttributes,
  type KeyboardEvent,
  type MouseEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import type { RejectedFile } from '../engine/restrictions.js';
import { type AddFilesResult, Uploader, type UploaderOptions, type UploaderSnapshot } from '../engine/uploader.js';
import { filesFromDataTransfer } from './folders.js';

export interface UseS3UploadOptions extends UploaderOptions {
  /** Allow choosing several files at once. Default true. */
  multiple?: boolean;
  /** Nothing can be added while disabled. */
  disabled?: boolean;
  /**
   * Files pasted anywhere on the page are added (not only while the drop area
   * has focus). A paste into a text field, or one another handler took, is
   * left alone. Default false.
   */
  pasteFromPage?: boolean;
}

/** The file input's ref: a callback, which `<input ref>` accepts under React 18's types and React 19's. */
export type InputRef = (element: HTMLInputElement | null) => void;

export interface UseS3UploadResult extends UploaderSnapshot {
  /** Every file refused since the last `dismissRejections()`, newest first (not only the latest 20). */
  rejected: readonly RejectedFile[];
  /** True while files are dragged over the drop area. */
  isDragActive: boolean;
  /** Props for the element that receives drops and clicks; spread them on it. */
  getRootProps: <T extends HTMLAttributes<HTMLElement>>(props?: T) => T & HTMLAttributes<HTMLElement>;
  /**
   * Props for the hidden `<input type="file">`. Its `ref` is a callback ref:
   * React 18's and React 19's types both accept it on `<input>` (an object
   * ref typed for one fails to typecheck with the other's).
   */
  getInputProps: <T extends InputHTMLAttributes<HTMLInputElement>>(
    props?: T,
  ) => T & InputHTMLAttributes<HTMLInputElement> & { ref: InputRef };
  /** Opens the system file chooser. */
  open: () => void;
  /** Adds files as a drop would; resolves once they are all in the list (refusals are in `rejected` at once). */
  addFiles: (files: Iterable<File> | ArrayLike<File>) => Promise<AddFilesResult>;
  start: Uploader['start'];
  cancel: (fileId: string) => void;
  retry: (fileId: string) => void;
  pause: (fileId: string) => void;
  resume: (fileId: string) => void;
  remove: (fileId: string) => void;
  cancelAll: () => void;
  retryAll: () => void;
  /** Empties the list (running files stop; `cancelAll` keeps them listed). */
  removeAll: () => void;
  /** Forget the refused files shown to the user. */
  dismissRejections: () => void;
  /** The framework-free uploader underneath. */
  uploader: Uploader;
}

/** The actions, bound once to the uploader: stable across renders, so memoised rows do not re-render. */
const ACTIONS = [
  'start',
  'cancel',
  'retry',
  'pause',
  'resume',
  'remove',
  'cancelAll',
  'retryAll',
  'removeAll',
  'dismissRejections',
] as const;
type Actions = Pick<Uploader, (typeof ACTIONS)[number]>;

/**
 * The headless uploader: state, actions, and prop getters for a drop area and
 * a file input (react-dropzone style). `<S3Uploader>` is built on it.
 */
export function useS3Upload(options: UseS3UploadOptions): UseS3UploadResult {
  // Callbacks and headers may change between renders; the uploader reads the latest.
  const latest = useRef(options);
  latest.current = options;
  // Every refusal since the last dismissal, newest first: the engine's snapshot keeps only the latest 20.
  const refusals = useRef<readonly RejectedFile[]>([]);
  /** The options the engine gets: the latest props, with callbacks and headers read at the moment they are used. */
  const engineOptions = (current: UseS3UploadOptions): UploaderOptions => ({
    ...current,
    // Read on every request: headers given as an object or a function may change between renders.
    headers: async () => {
      const { headers } = latest.current;
      return (typeof headers === 'function' ? headers() : headers) ?? {};
    },
    metadata: (file) => {
      const { metadata } = latest.current;
      return (typeof metadata === 'function' ? metadata(file) : metadata) ?? {};
    },
    // Only when given: the engine skips the work of building what these receive when nobody listens.
    ...(current.onFileAdded ? { onFileAdded: (file) => latest.current.onFileAdded?.(file) } : {}),
    ...(current.onProgress ? { onProgress: (file, totals) => latest.current.onProgress?.(file, totals) } : {}),
    onFileComplete: (result) => latest.current.onFileComplete?.(result),
    onFileError: (result) => latest.current.onFileError?.(result),
    onComplete: (results) => latest.current.onComplete?.(results),
    onFileRejected: (rejection) => {
      refusals.current = [rejection, ...refusals.current];
      latest.current.onFileRejected?.(rejection);
    },
  });
  // A pure constructor: a StrictMode double render makes a second uploader that nothing subscribes to, and so nothing leaks.
  const [[uploader, actions]] = useState(() => {
    const created = new Uploader(engineOptions(options));
    return [created, Object.fromEntries(ACTIONS.map((name) => [name, created[name].bind(created)])) as unknown as Actions] as const;
  });
  // Props changed after mount take effect: signUrl, restrictions, autoUpload… (the engine reads them from here on).
  useEffect(() => {
    uploader.setOptions(engineOptions(options));
  });

  // Page-level paste, when asked for: files only, never a paste meant for a text field.
  const pasteFromPage = options.pasteFromPage === true;
  useEffect(() => {
    if (!pasteFromPage) return;
    const onPaste = (event: globalThis.ClipboardEvent) => {
      const files = event.clipboardData?.files;
      if (event.defaultPrevented || latest.current.disabled || !files?.length || isEditable(event.target)) return;
      event.preventDefault();
      void uploader.addFiles(files);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [pasteFromPage, uploader]);

  // StrictMode mounts, unmounts and mounts again: destroy only if no mount follows.
  useEffect(() => {
    clearTimeout(pendingDestroy.get(uploader));
    return () => {
      pendingDestroy.set(
        uploader,
        setTimeout(() => uploader.destroy(), 0),
      );
    };
  }, [uploader]);

  // The server's snapshot is the uploader's first one: no files, as on the client before anything is added.
  const snapshot = useSyncExternalStore(uploader.subscribe, uploader.getSnapshot, uploader.getSnapshot);
  const inputRef = useRef<HTMLInputElement | null>(null);
  const setInput = useCallback<InputRef>((element) => {
    inputRef.current = element;
  }, []);
  const [isDragActive, setDragActive] = useState(false);
  const dragDepth = useRef(0);

  const addFiles = useCallback((files: Iterable<File> | ArrayLike<File>) => uploader.addFiles(files), [uploader]);
  const open = useCallback(() => {
    if (!latest.current.disabled) inputRef.current?.click();
  }, []);

  const getRootProps = useCallback(
    <T extends HTMLAttributes<HTMLElement>>(props?: T) => {
      const disabled = latest.current.disabled === true;
      const drop = (event: DragEvent<HTMLElement>, depth: number) => {
        event.preventDefault();
        dragDepth.current = depth;
        setDragActive(!disabled && depth > 0);
      };
      return withProps(
        {
          role: 'button',
          tabIndex: disabled ? -1 : 0,
          'aria-disabled': disabled || undefined,
        },
        props,
        {
          onClick: (event: MouseEvent<HTMLElement>) => event.defaultPrevented || open(),
          onKeyDown: (event: KeyboardEvent<HTMLElement>) => {
            if (!event.defaultPrevented && event.target === event.currentTarget && (event.key === 'Enter' || event.key === ' ')) {
              event.preventDefault();
              open();
            }
          },
          onDragEnter: (event: DragEvent<HTMLElement>) => drop(event, dragDepth.current + 1),
          onDragOver: (event: DragEvent<HTMLElement>) => {
            event.preventDefault();
            if (event.dataTransfer) event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
          },
          // Leaving a child of the area is not leaving the area: count enters and leaves.
          onDragLeave: (event: DragEvent<HTMLElement>) => {
            dragDepth.current--;
            if (dragDepth.current < 1) drop(event, 0);
          },
          onDrop: (event: DragEvent<HTMLElement>) => {
            drop(event, 0);
            if (!disabled && event.dataTransfer)
              void filesFromDataTransfer(event.dataTransfer).then((files) => (files.length > 0 ? addFiles(files) : undefined));
          },
          onPaste: (event: ClipboardEvent<HTMLElement>) => {
            const files = event.clipboardData?.files;
            if (!disabled && files?.length) {
              event.preventDefault();
              void addFiles(files);
            }
          },
        },
      ) as T & HTMLAttributes<HTMLElement>;
    },
    [addFiles, open],
  );

  const getInputProps = useCallback(
    <T extends InputHTMLAttributes<HTMLInputElement>>(props?: T) =>
      withProps(
        {
          type: 'file',
          multiple: latest.current.multiple ?? true,
          // A list joins with commas, as the attribute wants.
          accept: latest.current.accept && String(latest.current.accept),
          disabled: latest.current.disabled,
          tabIndex: -1,
          hidden: true,
        },
        props,
        {
          ref: setInput,
          onChange: (event: ChangeEvent<HTMLInputElement>) => {
            const input = event.currentTarget;
            if (input.files?.length) void addFiles(input.files);
            // Let the same file be chosen again after it was removed.
            input.value = '';
          },
          // Clicks on the hidden input must not bubble to the root and open the chooser twice.
          onClick: (event: MouseEvent<HTMLInputElement>) => event.stopPropagation(),
        },
      ) as unknown as T & InputHTMLAttributes<HTMLInputElement> & { ref: InputRef },
    [addFiles, setInput],
  );

  // The engine's list changes whenever refusals are added or dismissed: the full one follows it.
  const { rejected: latestRejected } = snapshot;
  const rejected = useMemo(() => {
    if (latestRejected.length === 0) refusals.current = [];
    return refusals.current;
  }, [latestRejected]);
  return { ...snapshot, rejected, ...actions, isDragActive, getRootProps, getInputProps, open, addFiles, uploader };
}

/**
 * Defaults, then the caller's props, then ours; an event handler of the
 * caller runs before ours (react-dropzone's order), so it can call
 * `preventDefault()` to stop the default behaviour.
 */
function withProps(defaults: object, props: object | undefined, own: Record<string, unknown>): object {
  const merged: Record<string, unknown> = { ...defaults, ...props, ...own };
  for (const name in own) {
    const theirs = (props as Record<string, unknown> | undefined)?.[name];
    const ours = own[name];
    if (typeof theirs === 'function' && typeof ours === 'function')
      merged[name] = (event: unknown) => {
        theirs(event);
        ours(event);
      };
  }
  return merged;
}

const pendingDestroy = new WeakMap<Uploader, ReturnType<typeof setTimeout>>();

/** A text field, or anything editable: a paste there is text for it, not files for us. */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLInputElement) return target.type !== 'file';
  return target.closest('[contenteditable]:not([contenteditable="false"])') !== null;
}
