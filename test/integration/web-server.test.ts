import { BUSY_AFTER_ANSWER_MS, listenWeb } from '../../infra/local/web-server';

describe('the local web server', () => {
  it('is busy while it answers a request, and idle a moment after', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const web = await listenWeb(
      async () => {
        await gate;
        return new Response('ok');
      },
      0,
      '127.0.0.1',
    );
    try {
      expect(web.busy()).toBe(false);
      const answer = fetch(`http://127.0.0.1:${web.port}/`);
      while (!web.busy()) await new Promise((resolve) => setTimeout(resolve, 5));
      release();
      expect(web.busy()).toBe(true);
      expect(await (await answer).text()).toBe('ok');
      await new Promise((resolve) => setTimeout(resolve, BUSY_AFTER_ANSWER_MS + 20));
      expect(web.busy()).toBe(false);
    } finally {
      await web.close();
    }
  });
});
