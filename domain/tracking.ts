// Click and open tracking applied to an e-mail's rendered HTML, per recipient, in one pass over the
// string: re-running MJML per recipient would cost milliseconds, a regex pass costs microseconds.

const ANCHOR_HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"'\s]+)\2/gi;

const ENTITIES: Record<string, string> = { '&amp;': '&', '&#38;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>' };

/** The URL an href attribute stands for: the HTML escapes `&` as `&amp;`. */
export function unescapeHref(href: string): string {
  return href.replace(/&(amp|#38|quot|#39|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

export interface TrackingRewrite {
  /** The signed redirect standing for a link. */
  clickUrl(url: string): string;
  /** Links left as they are: the unsubscribe and preference links go straight to their page. */
  keep(url: string): boolean;
  /** The open pixel's URL, appended before `</body>`. */
  pixelUrl?: string;
}

export function rewriteTrackedHtml(html: string, rewrite: TrackingRewrite): { html: string; links: number } {
  let links = 0;
  let rewritten = html.replace(ANCHOR_HREF, (whole, prefix: string, quote: string, href: string) => {
    const url = unescapeHref(href);
    if (rewrite.keep(url)) return whole;
    links += 1;
    return `${prefix}${quote}${rewrite.clickUrl(url)}${quote}`;
  });
  if (rewrite.pixelUrl !== undefined) {
    const pixel = `<img src="${rewrite.pixelUrl}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
    const bodyEnd = rewritten.lastIndexOf('</body>');
    rewritten = bodyEnd < 0 ? rewritten + pixel : `${rewritten.slice(0, bodyEnd)}${pixel}${rewritten.slice(bodyEnd)}`;
  }
  return { html: rewritten, links };
}
