import { stopTestSystem } from './system';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopTestSystem();
  },
};
