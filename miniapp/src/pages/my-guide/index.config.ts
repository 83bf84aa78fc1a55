export default definePageConfig({
  navigationBarTitleText: '我的导购',
  // The WeCom contact plugin's cell for the guide (weapp only: app.config.ts declares the plugin there).
  ...(process.env.TARO_ENV === 'weapp' && { usingComponents: { 'wecom-contact-cell': 'plugin://contactPlugin/cell' } }),
});
