// A stand-in for the Azure portal (info.portalUrl): "Open in portal" links land on a page that names
// the resource, so UI tests can assert the link without a real portal.
import type { ParsedRequest, Reply } from '../http';

export function isPortalPath(path: string): boolean {
  const p = path.toLowerCase();
  return p === '/portal' || p.startsWith('/portal/');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function portalReply(req: ParsedRequest): Reply {
  // Portal deep links carry the resource in the fragment (#@tenant/resource/…), which never reaches a
  // server; show the path so links without a fragment are still identifiable.
  let where = req.rawUrl;
  try {
    where = decodeURIComponent(where);
  } catch {
    // keep the raw form
  }
  where = escapeHtml(where);
  return {
    status: 200,
    text: {
      contentType: 'text/html; charset=utf-8',
      content: `<!doctype html><html><head><meta charset="utf-8"><title>Azure portal (emulator)</title></head><body><h1>Azure portal (emulator)</h1><p id="location">${where}</p><script>document.getElementById('location').textContent += decodeURIComponent(location.hash);</script></body></html>`,
    },
  };
}
