export default definePageConfig({
  navigationBarTitleText: '代客下单',
  // The share buttons send a cart to a customer (see the page's useShareAppMessage).
  enableShareAppMessage: true,
});
