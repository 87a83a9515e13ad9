/**
 * The app server's own tables, in SQLite (sql.js: SQLite compiled to wasm, no
 * native build). A `Picture` keeps the `file_name` the backend-serverless
 * returned — and no image: the originals live only in S3 (the bonus).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';

export interface Post {
  id: number;
  user_id: string;
  trip_id: number | null;
  location_id: number | null;
  content: string;
  created_at: string;
}

export interface Picture {
  id: number;
  post_id: number;
  user_id: string;
  /** `<user_id>-<sha256>.<ext>`: the key of the original in the backend-serverless; null until stored. */
  file_name: string | null;
  original_name: string | null;
  content_type: string | null;
  size: number | null;
  created_at: string;
  /** The analysis verdict the webhook reported (`approved`, `rejected`, …); null until one arrives. */
  status: string | null;
  /** 1 when the picture must not be shown (rejected, or deleted in the picture service). */
  hidden: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS posts (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     TEXT    NOT NULL,
  trip_id     INTEGER,
  location_id INTEGER,
  content     TEXT    NOT NULL DEFAULT '',
  created_at  TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS pictures (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  post_id       INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  user_id       TEXT    NOT NULL,
  file_name     TEXT,
  original_name TEXT,
  content_type  TEXT,
  size          INTEGER,
  created_at    TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS pictures_by_post ON pictures(post_id);
CREATE INDEX IF NOT EXISTS pictures_by_file ON pictures(user_id, file_name);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  webhook_id  TEXT PRIMARY KEY,
  received_at TEXT NOT NULL
);
`;

/** Columns added after the first release: a database file from before gets them on open. */
const ADDED_COLUMNS: [string, string][] = [
  ['status', 'TEXT'],
  ['hidden', 'INTEGER NOT NULL DEFAULT 0'],
];

/** The posts and pictures of the example, in memory or persisted to `path` after every write. */
export class Store {
  private constructor(
    private readonly db: Database,
    private readonly path: string | undefined,
  ) {}

  static async open(path?: string): Promise<Store> {
    const SQL = await initSqlJs();
    const db = new SQL.Database(path && existsSync(path) ? readFileSync(path) : undefined);
    db.exec('PRAGMA foreign_keys = ON;');
    db.exec(SCHEMA);
    const has = new Set<string>();
    const info = db.exec('PRAGMA table_info(pictures)')[0];
    for (const row of info?.values ?? []) has.add(String(row[1]));
    for (const [name, type] of ADDED_COLUMNS) if (!has.has(name)) db.exec(`ALTER TABLE pictures ADD COLUMN ${name} ${type}`);
    const store = new Store(db, path);
    await store.save();
    return store;
  }

  private rows<T>(sql: string, params: SqlValue[] = []): T[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      const out: T[] = [];
      while (stmt.step()) out.push(stmt.getAsObject() as T);
      return out;
    } finally {
      stmt.free();
    }
  }

  private writeChain: Promise<void> = Promise.resolve();

  /** Writes the database file (temporary name, then rename: never a torn file). */
  private save(): Promise<void> {
    if (!this.path) return Promise.resolve();
    const path = this.path;
    const bytes = this.db.export();
    this.writeChain = this.writeChain.then(async () => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, bytes);
      await rename(`${path}.tmp`, path);
    });
    return this.writeChain;
  }

  async createPost(p: Omit<Post, 'id' | 'created_at'>): Promise<Post> {
    const [row] = this.rows<Post>(
      'INSERT INTO posts (user_id, trip_id, location_id, content, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      [p.user_id, p.trip_id, p.location_id, p.content, new Date().toISOString()],
    );
    await this.save();
    return row!;
  }

  post(id: number): Post | undefined {
    return this.rows<Post>('SELECT * FROM posts WHERE id = ?', [id])[0];
  }

  /** A new Picture row: its id is the `picture_id` sent to the receiver. */
  async createPicture(p: Pick<Picture, 'post_id' | 'user_id' | 'original_name' | 'content_type' | 'size'>): Promise<Picture> {
    const [row] = this.rows<Picture>(
      'INSERT INTO pictures (post_id, user_id, original_name, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
      [p.post_id, p.user_id, p.original_name, p.content_type, p.size, new Date().toISOString()],
    );
    await this.save();
    return row!;
  }

  async setFileName(pictureId: number, fileName: string): Promise<void> {
    this.db.run('UPDATE pictures SET file_name = ? WHERE id = ?', [fileName, pictureId]);
    await this.save();
  }

  picture(id: number): Picture | undefined {
    return this.rows<Picture>('SELECT * FROM pictures WHERE id = ?', [id])[0];
  }

  picturesOf(postId: number): Picture[] {
    return this.rows<Picture>('SELECT * FROM pictures WHERE post_id = ? ORDER BY id', [postId]);
  }

  /** How many pictures of the user point at this original (the same photo may be in several posts). */
  usesOf(userId: string, fileName: string): number {
    return this.rows<{ n: number }>('SELECT COUNT(*) AS n FROM pictures WHERE user_id = ? AND file_name = ?', [userId, fileName])[0]!.n;
  }

  async deletePicture(id: number): Promise<void> {
    this.db.run('DELETE FROM pictures WHERE id = ?', [id]);
    await this.save();
  }

  /**
   * Applies a webhook once: false when this `webhook-id` was seen before (a retry
   * of a delivery we already applied). The picture rows of that user and file take
   * the new status; rejected or deleted ones are hidden.
   */
  async applyWebhook(webhookId: string, change: { user_id: string; file_name: string; status: string; hidden: boolean }): Promise<boolean> {
    if (this.rows('SELECT 1 FROM webhook_deliveries WHERE webhook_id = ?', [webhookId]).length) return false;
    this.db.exec('BEGIN');
    try {
      this.db.run('INSERT INTO webhook_deliveries (webhook_id, received_at) VALUES (?, ?)', [webhookId, new Date().toISOString()]);
      this.db.run('UPDATE pictures SET status = ?, hidden = ? WHERE user_id = ? AND file_name = ?', [
        change.status,
        change.hidden ? 1 : 0,
        change.user_id,
        change.file_name,
      ]);
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
    await this.save();
    return true;
  }

  async close(): Promise<void> {
    await this.writeChain;
    this.db.close();
  }
}
