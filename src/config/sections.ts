// Every top-level key appflow-gitops.yaml may hold. The config schema is composed from this list
// (an unknown key is an error with a did-you-mean), so adding a section is: write a module that
// exports `defineSection({ key, schema, build })`, add it here, and read its settings with
// `configSection(config, yourSection)`.
import type { ConfigSection } from './config-section.js';
import { notificationsSection } from '../notify/notifications-section.js';
import { policiesSection } from '../policy/policies-section.js';
import { lifecycleSection } from './lifecycle-section.js';
import { targetsSection } from './targets-section.js';

export const CONFIG_SECTIONS: readonly ConfigSection[] = [targetsSection, notificationsSection, policiesSection, lifecycleSection];
