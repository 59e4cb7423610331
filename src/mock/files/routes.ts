import type { ResolvedMockOptions } from '../config/defaults.js';
import type { RequestContext } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { json, type Reply } from '../http/reply.js';
import { paginate, parsePageQuery } from '../util/pagination.js';
import { type FileStore, type StoredFile, fileObject } from './store.js';
import { receiveUpload } from './upload.js';

/** Handlers of the Files API. */
export class FileRoutes {
  constructor(
    private readonly store: FileStore,
    private readonly limits: ResolvedMockOptions['files'],
  ) {}

  async upload(ctx: RequestContext): Promise<Reply> {
    const file = await receiveUpload(ctx.req, this.store, this.limits);
    return json(200, JSON.stringify(fileObject(file)));
  }

  list(ctx: RequestContext): Reply {
    const params = new URLSearchParams(ctx.query);
    const query = parsePageQuery(params, 10_000, 10_000);
    const page = paginate(this.store.list(params.get('purpose')), query, (id) => this.store.seqOf(id));
    return json(200, JSON.stringify({ ...page, data: page.data.map(fileObject) }));
  }

  retrieve(ctx: RequestContext): Reply {
    return json(200, JSON.stringify(fileObject(this.find(ctx.param))));
  }

  content(ctx: RequestContext): Reply {
    const file = this.find(ctx.param);
    return { kind: 'file', path: file.path, size: file.bytes };
  }

  remove(ctx: RequestContext): Reply {
    const file = this.find(ctx.param);
    this.store.delete(file.id);
    return json(200, JSON.stringify({ id: file.id, object: 'file', deleted: true }));
  }

  private find(id: string): StoredFile {
    const file = this.store.get(id);
    if (!file) throw notFound(`No such File object: ${id}`, 'id');
    return file;
  }
}
