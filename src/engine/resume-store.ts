import type { FileContext, MultipartHandle } from '../protocol/types.js';

/** What survives a reload for one multipart upload. */
export interface ResumeRecord {
  fingerprint: string;
  file: FileContext;
  upload: MultipartHandle;
  createdAt: number;
}

/** Where multipart uploads are remembered across reloads. */
export interface ResumeStore {
  get(fingerprint: string): Promise<ResumeRecord | undefined>;
  put(record: ResumeRecord): Promise<void>;
  delete(fingerprint: string): Promise<void>;
  all(): Promise<ResumeRecord[]>;
}

/** For tests and environments without IndexedDB: remembers for the life of the page. */
export class MemoryResumeStore implements ResumeStore {
  readonly #records = new Map<string, ResumeRecord>();
  async get(fingerprint: string) {
    return this.#records.get(fingerprint);
  }
  async put(record: ResumeRecord) {
    this.#records.set(record.fingerprint, record);
  }
  async delete(fingerprint: string) {
    this.#records.delete(fingerprint);
  }
  async all() {
    return [...this.#records.values()];
  }
}

const DB_NAME = 's3-direct-upload';
const STORE = 'multipart-uploads';

/** IndexedDB, one record per file fingerprint. */
export class IndexedDbResumeStore implements ResumeStore {
  #db?: Promise<IDBDatabase>;

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'fingerprint' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.#db;
  }

  async #run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const request = action(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  get(fingerprint: string) {
    return this.#run<ResumeRecord | undefined>('readonly', (store) => store.get(fingerprint));
  }
  async put(record: ResumeRecord) {
    await this.#run('readwrite', (store) => store.put(record));
  }
  async delete(fingerprint: string) {
    await this.#run('readwrite', (store) => store.delete(fingerprint));
  }
  all() {
    return this.#run<ResumeRecord[]>('readonly', (store) => store.getAll());
  }
}

/** The store to use by default: IndexedDB where there is one. */
export function defaultResumeStore(): ResumeStore | undefined {
  return typeof indexedDB === 'undefined' ? undefined : new IndexedDbResumeStore();
}
