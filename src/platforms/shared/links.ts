/**
 * A link whose label itself looks like an address (`www.bank.com`, `https://…`) but names another
 * host than the link's target is a disguise (the classic phishing shape). Text from the handbook,
 * a model or a user can carry one; every platform renders such a link as its bare URL instead.
 */
export function isDisguisedLink(label: string, url: string): boolean {
  const looksLikeAddress = /^(https?:\/\/)?[\w-]+(\.[\w-]+)+(\/\S*)?$/i.test(label.trim());
  return looksLikeAddress && hostOf(label.trim()) !== hostOf(url);
}

function hostOf(address: string): string {
  try {
    return new URL(/^https?:/i.test(address) ? address : `http://${address}`).hostname.replace(/^www\./, '').toLowerCase();
  } catch {
    return '';
  }
}

/** Markdown links `[label](http…)`, as the core's small markdown subset writes them. */
export const MARKDOWN_LINK = /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g;
