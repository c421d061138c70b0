import net from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';

// The catcher is the embedded engine's SMTP server (`npm start`) as well as the tests': a sender that
// dies mid-message must cost that message only, not the process the catcher runs in.
describe('the SMTP catcher when a sender dies in the middle of a message', () => {
  let smtp: SmtpCatcher;
  beforeAll(async () => {
    smtp = await startSmtpCatcher();
  });
  afterAll(async () => {
    await smtp?.stop();
  });

  it('drops the cut message, keeps running, and takes the next one', async () => {
    const socket = net.connect(smtp.port, '127.0.0.1');
    let replies = '';
    const waitForReply = (code: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (replies.split('\r\n').some((line) => line.startsWith(`${code} `))) {
            replies = '';
            socket.off('data', onData);
            resolve();
          }
        };
        const onData = (chunk: Buffer) => {
          replies += chunk.toString();
          check();
        };
        socket.on('data', onData);
        check();
      });
    await waitForReply('220');
    for (const [command, code] of [['EHLO killed.test', '250'], ['MAIL FROM:<a@killed.test>', '250'], ['RCPT TO:<cut@example.com>', '250'], ['DATA', '354']] as const) {
      socket.write(`${command}\r\n`);
      await waitForReply(code);
    }
    socket.write('Subject: cut off\r\n\r\nhalf a body');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A process killed with SIGKILL leaves its socket to the kernel, which resets it.
    socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'a@alive.test', to: 'next@example.com', subject: 'the next one', text: 'arrives' });
    transport.close();
    const [next] = await smtp.waitFor((message) => message.to.includes('next@example.com'));
    expect(next?.subject).toBe('the next one');
    expect(smtp.messages().filter((message) => message.to.includes('cut@example.com'))).toEqual([]);
  });
});
