import t from 'tap'
import { systemReason } from '../../../tools/cli/system-reason.js'

// kcat prints strerror's wording after a file name; Node's system errors carry it after the code.

t.test('system errors read as the C library words them; other errors as they are', async t => {
  t.equal(systemReason(Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' })), 'No such file or directory')
  t.equal(systemReason(new Error('EACCES: permission denied, open \'/root/x\'')), 'Permission denied')
  t.equal(systemReason(new Error('something else')), 'something else')
  t.equal(systemReason('a string'), 'a string')
})
