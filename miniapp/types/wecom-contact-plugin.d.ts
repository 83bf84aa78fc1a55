import 'react';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      /**
       * The WeCom contact plugin's cell (provider wx104a1a20c3f81ec2), weapp only: declared in app.config.ts `plugins`
       * and in the page config's `usingComponents`. `plugid` is a scene-1 contact way's config_id.
       */
      'wecom-contact-cell': { plugid: string; key?: string };
    }
  }
}
