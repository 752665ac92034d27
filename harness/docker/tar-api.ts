// tar-fs 3 where @types/tar-fs 2 (the newest there is) falls short of it, typed once here.
import tar from "tar-fs";

/**
 * A folder as a tar stream for Docker (build context, image import). tar-fs 3 packs into a streamx stream,
 * not a Node one (no isPaused, unpipe or wrap); Docker's client only pipes it, as it pipes any Node stream.
 */
export const packFolder = (dir: string) => tar.pack(dir) as unknown as NodeJS.ReadableStream;
