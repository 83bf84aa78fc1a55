import type { PropsWithChildren } from 'react';

import './app.scss';

/** The mini-program's root: Taro renders the current page as `children`. */
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
