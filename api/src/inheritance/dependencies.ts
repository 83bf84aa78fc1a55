import type { Connection } from 'mongoose';
import type { GuideContactDependencies } from '../guide-contacts/service.ts';
import { staffModels, type StaffModels } from '../staff/models.ts';
import { inheritanceModels, type InheritanceModels } from './models.ts';

/** The guide-contact side (relations, the WeCom client, attribution, guides, customers) plus handovers and staff names. */
export interface InheritanceDependencies extends GuideContactDependencies {
  inheritance: InheritanceModels;
  staff: StaffModels;
}

export function inheritanceDependencies(guideContacts: GuideContactDependencies, connection: Connection): InheritanceDependencies {
  return { ...guideContacts, inheritance: inheritanceModels(connection), staff: staffModels(connection) };
}
