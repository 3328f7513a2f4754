// Frames written by hand from RFC 8878, a commented line per field, so that the decoder is checked against the
// specification itself and not only against encoders.
import t from 'tap'
import { zstdCompress, zstdDecompress } from '../../../../protocol/compression/zstd/index.js'

t.test('a hand-built frame of a raw, an RLE and a compressed block decodes', async t => {
  const frame = Buffer.from([
    0x28, 0xb5, 0x2f, 0xfd, // Magic_Number 0xFD2FB528, little-endian
    0x20, //                   Frame_Header_Descriptor: Single_Segment_Flag; 1-byte content size, no checksum/dict
    0x12, //                   Frame_Content_Size: 18
    0x18, 0x00, 0x00, //       Block_Header: not last, Raw_Block, Block_Size 3 (3 << 3)
    0x61, 0x62, 0x63, //       "abc"
    0x42, 0x00, 0x00, //       Block_Header: not last, RLE_Block (1 << 1), regenerated size 8 (8 << 3)
    0x7a, //                   "z", eight times
    0x4d, 0x00, 0x00, //       Block_Header: last (1), Compressed_Block (2 << 1), Block_Size 9 (9 << 3)
    0x38, //                   Literals_Section_Header: Raw_Literals_Block, 1-byte form, Regenerated_Size 7 (7 << 3)
    0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0x0a, // "hello!\n"
    0x00 //                    Number_of_Sequences: 0, so the literals are the whole block
  ])
  t.equal(zstdDecompress(frame).toString(), 'abczzzzzzzzhello!\n')
})

t.test('skippable frames are skipped and frames concatenate', async t => {
  const skippable = Buffer.from([
    0x50, 0x2a, 0x4d, 0x18, // Magic_Number 0x184D2A50 (any of 0x184D2A50-5F)
    0x02, 0x00, 0x00, 0x00, // Frame_Size 2
    0xde, 0xad //              User_Data
  ])
  const a = zstdCompress(Buffer.from('first '))
  const b = zstdCompress(Buffer.from('second'))
  t.equal(zstdDecompress(Buffer.concat([skippable, a, skippable, b])).toString(), 'first second')
})

t.test('a hand-built frame using RLE_Mode, then Repeat_Mode, for the three sequence alphabets decodes', async t => {
  const frame = Buffer.from([
    0x28, 0xb5, 0x2f, 0xfd, // magic
    0x20, //                   Single_Segment_Flag, 1-byte Frame_Content_Size
    0x10, //                   Frame_Content_Size: 16
    // Block 1 -> "abcabcaXY"
    0x64, 0x00, 0x00, //       Block_Header: not last, Compressed_Block, Block_Size 12
    0x28, //                   Raw_Literals_Block, Regenerated_Size 5
    0x61, 0x62, 0x63, 0x58, 0x59, // "abcXY"
    0x01, //                   Number_of_Sequences: 1
    0x54, //                   Symbol_Compression_Modes: RLE_Mode (1) for literals lengths, offsets, match lengths
    0x03, //                   literals length code 3: 3 literals
    0x02, //                   offset code 2: Offset_Value = 4 + 2 extra bits
    0x01, //                   match length code 1: 4 bytes
    0x06, //                   bitstream 0b110: end marker, then offset extra bits 0b10 -> Offset_Value 6,
    //                         offset 3; the 4-byte match overlaps its own output ("abca")
    // Block 2 -> "defYdef"
    0x3d, 0x00, 0x00, //       Block_Header: last, Compressed_Block, Block_Size 7
    0x18, //                   Raw_Literals_Block, Regenerated_Size 3
    0x64, 0x65, 0x66, //       "def"
    0x01, //                   Number_of_Sequences: 1
    0xfc, //                   Symbol_Compression_Modes: Repeat_Mode (3) for all three: the RLE tables above
    0x07 //                    bitstream 0b111: marker, extra bits 0b11 -> Offset_Value 7, offset 4 ("Ydef")
  ])
  t.equal(zstdDecompress(frame).toString(), 'abcabcaXYdefYdef')
})

t.test('a repeat offset reaching before the start of the frame is refused', async t => {
  const frame = Buffer.from([
    0x28, 0xb5, 0x2f, 0xfd, // magic
    0x00, //                   no content size, no checksum, not single segment
    0x00, //                   Window_Descriptor: 1 KiB (a single segment's window would be smaller than the block)
    0x55, 0x00, 0x00, //       Block_Header: last, Compressed_Block, Block_Size 10
    0x18, //                   Raw_Literals_Block, 3 literals
    0x61, 0x62, 0x63, //       "abc"
    0x01, //                   Number_of_Sequences: 1
    0x54, //                   RLE_Mode for all three
    0x00, //                   literals length code 0: no literals before the match
    0x00, //                   offset code 0: Offset_Value 1, no extra bits
    0x01, //                   match length code 1: 4 bytes
    0x01 //                    bitstream: only the end marker
  ])
  // Offset_Value 1 with a literals length of 0 names the second repeat offset, initially 4 (RFC 8878 section
  // 3.1.1.5); nothing has been decoded yet, so the match would read before the frame.
  t.throws(() => zstdDecompress(frame), { name: 'CompressionError', message: /offset 4/ })
})

t.test('a frame of our own is a single segment with its content size and checksum', async t => {
  const frame = zstdCompress(Buffer.from('hello'))
  t.equal(frame[4], 0x24, 'Frame_Header_Descriptor: Single_Segment_Flag and Content_Checksum_Flag')
  t.equal(frame[5], 5, 'Frame_Content_Size')
  t.equal(zstdDecompress(frame).toString(), 'hello')
})

t.test('hand-built Huffman literals with direct weights, then Treeless and RLE literals, decode', async t => {
  // Direct weights (Huffman_Tree_Description header >= 128): 98 weights, symbols 0-97, two per byte. Only 'a'
  // (97) has a weight (1); the implied last symbol 'b' (98) gets weight 1 too, so each has a 1-bit code: symbols
  // of equal weight take codes in symbol order, 'a' = 0, 'b' = 1 (RFC 8878 section 4.2.1).
  const weights = Buffer.alloc(49)
  weights[48] = 0x01 // symbols 96 (high nibble, weight 0) and 97 (low nibble, weight 1)
  const frame = Buffer.from([
    0x28, 0xb5, 0x2f, 0xfd, // magic
    0x00, 0x00, //             no content size, no checksum; Window_Descriptor 1 KiB
    0xc4, 0x01, 0x00, //       Block_Header: not last, Compressed_Block, Block_Size 56
    0x82, 0x00, 0x0d, //       Compressed_Literals_Block, 1 stream, Regenerated_Size 8, Compressed_Size 52
    0xe1, //                   Huffman tree header 225 = 127 + 98 direct weights
    ...weights,
    0x69, 0x01, //             stream, read from its last byte down: marker bit, then 0 1 1 0 1 0 0 1 = "abbabaab"
    0x00, //                   Number_of_Sequences 0
    0x34, 0x00, 0x00, //       Block_Header: not last, Compressed_Block, Block_Size 6
    0x83, 0x80, 0x00, //       Treeless_Literals_Block, 1 stream, Regenerated_Size 8, Compressed_Size 2
    0x69, 0x01, //             the same stream with the previous block's tree
    0x00, //                   Number_of_Sequences 0
    0x1d, 0x00, 0x00, //       Block_Header: last, Compressed_Block, Block_Size 3
    0x29, 0x71, //             RLE_Literals_Block, Regenerated_Size 5, byte "q"
    0x00 //                    Number_of_Sequences 0
  ])
  t.equal(zstdDecompress(frame).toString(), 'abbabaababbabaabqqqqq')
  // Treeless literals in a frame's first Huffman use have no tree to reuse.
  const treelessFirst = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x35, 0x00, 0x00, 0x83, 0x80, 0x00, 0x69, 0x01, 0x00])
  t.throws(() => zstdDecompress(treelessFirst), { message: /treeless/ })
})
