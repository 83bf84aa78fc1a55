import { Button, Text, View } from '@tarojs/components';

import './index.scss';

export type StatusViewProps =
  | { state: 'loading'; label: string }
  | { state: 'error'; message: string; onRetry: () => void }
  | { state: 'empty'; title: string; description: string };

/** The one way the storefront shows something loading, failed (with a retry), or not there yet. */
export function StatusView(props: StatusViewProps) {
  switch (props.state) {
    case 'loading':
      return (
        <View className="status-view status-view--loading" aria-busy="true">
          <Text className="status-view__title">{props.label}</Text>
        </View>
      );
    case 'error':
      return (
        <View className="status-view status-view--error" role="alert">
          <Text className="status-view__title">{props.message}</Text>
          <Button className="status-view__retry" size="mini" onClick={props.onRetry}>
            重试
          </Button>
        </View>
      );
    case 'empty':
      return (
        <View className="status-view status-view--empty">
          <Text className="status-view__title">{props.title}</Text>
          <Text className="status-view__description">{props.description}</Text>
        </View>
      );
  }
}
