import { App, Button } from 'antd';
import { useRef, useState } from 'react';
import { imageContentTypes, MAX_IMAGE_BYTES } from '@mall/shared';
import { asApiError } from '../api/client.ts';

/**
 * A button that picks image files and sends each with `upload`, handing each result to `onUploaded`. Files the API
 * would refuse (not JPEG, PNG or WebP, over 5 MB) are named and skipped here; the API checks the bytes again anyway.
 */
export function ImageUploadButton<Result>({
  label,
  upload,
  onUploaded,
  multiple = false,
  disabled,
}: {
  label: string;
  upload(file: File): Promise<Result>;
  onUploaded(result: Result): void;
  multiple?: boolean;
  disabled?: boolean;
}) {
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);

  async function send(files: FileList | null) {
    for (const file of Array.from(files ?? [])) {
      if (!(imageContentTypes as readonly string[]).includes(file.type)) {
        void message.error(`「${file.name}」不是 JPEG、PNG 或 WebP 图片`);
        continue;
      }
      if (file.size > MAX_IMAGE_BYTES) {
        void message.error(`「${file.name}」超过 5 MB`);
        continue;
      }
      setUploading(true);
      try {
        onUploaded(await upload(file));
      } catch (caught) {
        void message.error(`「${file.name}」上传失败：${asApiError(caught).message}`);
      } finally {
        setUploading(false);
      }
    }
    if (input.current) input.current.value = '';
  }

  return (
    <>
      <input
        ref={input}
        type="file"
        accept={imageContentTypes.join(',')}
        multiple={multiple}
        aria-label={label}
        style={{ display: 'none' }}
        onChange={(event) => void send(event.target.files)}
      />
      <Button loading={uploading} disabled={disabled} onClick={() => input.current?.click()}>
        {label}
      </Button>
    </>
  );
}
