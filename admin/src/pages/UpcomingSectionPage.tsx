import { Card, Empty, Typography } from 'antd';
import type { UpcomingSection } from '../layout/sections.tsx';

/** An honest placeholder: the section exists in the navigation, its feature has not landed. */
export function UpcomingSectionPage({ section }: { section: UpcomingSection }) {
  return (
    <Card>
      <Empty
        description={
          <>
            <Typography.Paragraph strong>「{section.label}」将随对应功能上线，目前还没有可管理的内容。</Typography.Paragraph>
            <Typography.Paragraph type="secondary">上线后可以在这里：{section.arrivesWith}</Typography.Paragraph>
          </>
        }
      />
    </Card>
  );
}
