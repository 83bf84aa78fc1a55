import type { PropsWithChildren } from 'react';
import { useSendPendingTouches } from './guide/touches';

import './app.scss';

/** The mini-program's root: Taro renders the current page as `children`. Guide touches kept while signed out go once signed in. */
function App({ children }: PropsWithChildren) {
  useSendPendingTouches();
  return children;
}

export default App;
