export default definePageConfig({
  navigationBarTitleText: '支付结果',
  // The WeCom contact plugin's cell for the guide (weapp only: app.config.ts declares the plugin there).
  ...(process.env.TARO_ENV === 'weapp' && { usingComponents: { 'wecom-contact-cell': 'plugin://contactPlugin/cell' } }),
});
