// Reading a document the provider renders (an invoice's PDF): the bytes when it sends a PDF, null when it refuses
// (not found, a draft it does not render) or answers something that is not a PDF. Throttling, expired tokens and
// outages still throw, so the caller retries instead of filing a recovery file without the invoice.
import { isPdf } from '../model/pdf.js';
import { ProviderRejected } from './errors.js';
import type { ProviderHttp, RequestOptions } from './types.js';

export { isPdf };

export async function readPdf(http: ProviderHttp, path: string, opts: RequestOptions = {}): Promise<Uint8Array | null> {
  try {
    const { data } = await http.get<unknown>(path, { ...opts, binary: true, headers: { ...opts.headers, Accept: 'application/pdf' } });
    return data instanceof Uint8Array && isPdf(data) ? data : null;
  } catch (err) {
    if (err instanceof ProviderRejected) return null;
    throw err;
  }
}
