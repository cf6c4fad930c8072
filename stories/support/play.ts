import { userEvent } from 'storybook/test';

/** The hidden `<input type="file">` of the uploader inside `root`: what the system's file chooser fills. */
export function fileInput(root: HTMLElement): HTMLInputElement {
  const input = root.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('No <input type="file"> in the story');
  return input;
}

/** Picks files as a person would in the chooser the drop area opens. */
export async function chooseFiles(root: HTMLElement, files: File[]): Promise<void> {
  await userEvent.upload(fileInput(root), files, { applyAccept: false });
}

/**
 * Puts `files` in the file input now and returns what the browser does when
 * its file dialog closes: the change event, nothing else. Lets a story time
 * the page's own work without the test library's.
 */
export function pickFiles(root: HTMLElement, files: File[]): () => void {
  const input = fileInput(root);
  input.files = dataTransferOf(files).files;
  return () => input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** A DataTransfer carrying `files`, as a drag from the desktop has. */
export function dataTransferOf(files: File[]): DataTransfer {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  return transfer;
}

/**
 * Fires a real DragEvent: Testing Library's fireEvent would copy the
 * DataTransfer's own properties into a new, empty one and lose the files.
 */
function drag(target: Element, type: 'dragenter' | 'dragover' | 'drop', dataTransfer: DataTransfer): void {
  target.dispatchEvent(new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true, composed: true }));
}

/** Drags `files` over `target` (dragenter, dragover) without dropping them. */
export function dragOver(target: Element, files: File[]): DataTransfer {
  const dataTransfer = dataTransferOf(files);
  drag(target, 'dragenter', dataTransfer);
  drag(target, 'dragover', dataTransfer);
  return dataTransfer;
}

/** Drags `files` over `target` and drops them. */
export function dropFiles(target: Element, files: File[]): void {
  drag(target, 'drop', dragOver(target, files));
}
