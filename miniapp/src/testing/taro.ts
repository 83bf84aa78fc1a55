// What the tests use in place of `@tarojs/taro` (see vitest.config.mts): `request` and the other calls are mocks
// each test answers or inspects; storage is an in-memory map; page hooks run as a mounted page would.
import { useEffect, useRef } from 'react';
import { vi } from 'vitest';

export interface RequestOption {
  url: string;
  method?: string;
  header?: Record<string, string>;
  data?: unknown;
}

export interface RequestReply {
  statusCode: number;
  data: unknown;
}

export const request = vi.fn<(option: RequestOption) => Promise<RequestReply>>();

/** `wx.login`: tests answer with `{ code }` or a failure. */
export const login = vi.fn<() => Promise<{ code: string; errMsg: string }>>();

export const storage = new Map<string, unknown>();

export function getStorageSync(key: string): unknown {
  return storage.has(key) ? storage.get(key) : '';
}

export function setStorageSync(key: string, value: unknown): void {
  storage.set(key, value);
}

export function removeStorageSync(key: string): void {
  storage.delete(key);
}

export const navigateTo = vi.fn<(option: { url: string }) => Promise<void>>();
export const navigateBack = vi.fn<(option?: { delta?: number }) => Promise<void>>();
export const switchTab = vi.fn<(option: { url: string }) => Promise<void>>();
export const showToast = vi.fn<(option: { title: string; icon?: string }) => Promise<void>>();
/** The confirm dialog: answered by `confirmNextModal` (default: cancelled). */
export const showModal = vi.fn<(option: { title?: string; content?: string }) => Promise<{ confirm: boolean; cancel: boolean }>>();
export const setNavigationBarTitle = vi.fn<(option: { title: string }) => Promise<void>>();
export const redirectTo = vi.fn<(option: { url: string }) => Promise<void>>();
export const stopPullDownRefresh = vi.fn<() => Promise<void>>();

/** `wx.chooseImage`: tests answer with the chosen temp paths. */
export const chooseImage = vi.fn<(option: { count?: number }) => Promise<{ tempFilePaths: string[]; errMsg: string }>>();
/** `wx.uploadFile`: the reply body comes back as text, like the real one. */
export const uploadFile =
  vi.fn<
    (option: {
      url: string;
      filePath: string;
      name: string;
      header?: Record<string, string>;
    }) => Promise<{ statusCode: number; data: string }>
  >();

/** `wx.chooseMedia`: tests answer with the chosen files (a cancelled choice rejects with `chooseMedia:fail cancel`). */
export const chooseMedia =
  vi.fn<(option: { count?: number; mediaType?: string[] }) => Promise<{ tempFiles: { tempFilePath: string }[]; errMsg: string }>>();
/** `wx.downloadFile`: tests answer with the downloaded temp path. */
export const downloadFile = vi.fn<(option: { url: string }) => Promise<{ tempFilePath: string; statusCode: number }>>();
/** `wx.saveImageToPhotosAlbum`: rejects with `saveImageToPhotosAlbum:fail auth deny` when the shopper refused the album. */
export const saveImageToPhotosAlbum = vi.fn<(option: { filePath: string }) => Promise<{ errMsg: string }>>();
/** `wx.openSetting`: the mini-program's permission settings. */
export const openSetting = vi.fn<() => Promise<{ authSetting: Record<string, boolean> }>>();

/** `wx.requestPayment`: resolves when the shopper paid, rejects (`requestPayment:fail cancel`) when they did not. */
export const requestPayment = vi.fn<(option: Record<string, string>) => Promise<{ errMsg: string }>>();

type EventHandler = (...args: unknown[]) => void;

/** `Taro.eventCenter`: a real event hub, so one page's `trigger` reaches another page's `on`. */
class Events {
  private readonly handlers = new Map<string, Set<EventHandler>>();

  on(event: string, handler: EventHandler): this {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler);
    this.handlers.set(event, set);
    return this;
  }

  off(event?: string, handler?: EventHandler): this {
    if (event === undefined) this.handlers.clear();
    else if (handler === undefined) this.handlers.delete(event);
    else this.handlers.get(event)?.delete(handler);
    return this;
  }

  trigger(event: string, ...args: unknown[]): this {
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(...args);
    return this;
  }
}

export const eventCenter = new Events();

/** The query the page under test was opened with (`useRouter().params`). */
export const router = { params: {} as Record<string, string | undefined> };

export function useRouter(): { params: Record<string, string | undefined> } {
  return router;
}

/** A page is shown once when mounted; tests call `showPageAgain` to return to it. */
const showListeners = new Set<() => void>();

export function useDidShow(callback: () => void): void {
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    const listener = () => latest.current();
    listener();
    showListeners.add(listener);
    return () => {
      showListeners.delete(listener);
    };
  }, []);
}

export function showPageAgain(): void {
  for (const listener of showListeners) listener();
}

/** Page hooks the tests fire by hand: the shopper pulling the page down, or scrolling to its bottom. */
function pageEventHook(listeners: Set<() => void>) {
  return function usePageEvent(callback: () => void): void {
    const latest = useRef(callback);
    latest.current = callback;
    useEffect(() => {
      const listener = () => latest.current();
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    }, []);
  };
}

const pullDownListeners = new Set<() => void>();
const reachBottomListeners = new Set<() => void>();

export const usePullDownRefresh = pageEventHook(pullDownListeners);
export const useReachBottom = pageEventHook(reachBottomListeners);

export function pullDown(): void {
  for (const listener of pullDownListeners) listener();
}

export function reachBottom(): void {
  for (const listener of reachBottomListeners) listener();
}

const hideListeners = new Set<() => void>();

export const useDidHide = pageEventHook(hideListeners);

/** The shopper leaving the page for another (or for WeCom); `showPageAgain` brings them back. */
export function hidePage(): void {
  for (const listener of hideListeners) listener();
}

/** `wx.setClipboardData` (the H5 share link is copied with it). */
export const setClipboardData = vi.fn<(option: { data: string }) => Promise<void>>();

/** What WeChat passes a share callback: where the share came from (`button`, with the tapped button as `target`, or `menu`). */
export interface SharePayload {
  from?: string;
  target?: object;
}

/** The share payloads the page under test registered last (`useShareAppMessage`, `useShareTimeline`), for tests to call. */
export const shares: {
  appMessage: ((payload?: SharePayload) => { title?: string; path?: string }) | null;
  timeline: (() => { title?: string; query?: string }) | null;
} = { appMessage: null, timeline: null };

export function useShareAppMessage(callback: (payload?: SharePayload) => { title?: string; path?: string }): void {
  shares.appMessage = callback;
}

export function useShareTimeline(callback: () => { title?: string; query?: string }): void {
  shares.timeline = callback;
}

/** Puts every mock back to its default answer and empties storage; the setup file runs it after each test. */
export function resetTaro(): void {
  const navigation = [navigateTo, navigateBack, redirectTo, switchTab];
  for (const mock of [
    request,
    login,
    ...navigation,
    showToast,
    showModal,
    setNavigationBarTitle,
    stopPullDownRefresh,
    requestPayment,
    chooseImage,
    uploadFile,
    setClipboardData,
    chooseMedia,
    downloadFile,
    saveImageToPhotosAlbum,
    openSetting,
  ]) {
    mock.mockReset();
  }
  for (const mock of [...navigation, showToast, setNavigationBarTitle, stopPullDownRefresh, setClipboardData]) {
    mock.mockResolvedValue(undefined);
  }
  shares.appMessage = null;
  shares.timeline = null;
  requestPayment.mockResolvedValue({ errMsg: 'requestPayment:ok' });
  eventCenter.off();
  showModal.mockResolvedValue({ confirm: false, cancel: true });
  storage.clear();
  router.params = {};
}

export default {
  request,
  login,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  navigateTo,
  navigateBack,
  switchTab,
  showToast,
  showModal,
  setNavigationBarTitle,
  redirectTo,
  stopPullDownRefresh,
  requestPayment,
  chooseImage,
  uploadFile,
  setClipboardData,
  chooseMedia,
  downloadFile,
  saveImageToPhotosAlbum,
  openSetting,
  eventCenter,
};
