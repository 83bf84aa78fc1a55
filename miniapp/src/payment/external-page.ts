/** Leaves the H5 storefront for another site (the payment cashier), which sends the shopper back by itself. */
export function openExternalPage(url: string): void {
  window.location.href = url;
}
