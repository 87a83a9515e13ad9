import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ImageName } from '../../core/file-name.js';
import type { ImageRecord, Placement } from '../../core/image-record.js';
import type { Label } from '../../core/labels.js';
import type { VariantsInfo } from '../../core/variants.js';
import type { Registration } from '../../core/receiver-input.js';
import type { ScanCandidate, ScanPlan } from '../../core/scan-plan.js';
import type { Analysis, AnalysisResult, RecordStore } from '../../ports/record-store.js';
import { AnalysisItems } from './analysis.js';
import { ImageRecords } from './image-records.js';
import { Placements } from './placements.js';
import { GroupQueries } from './queries.js';
import { Table } from './table.js';

/**
 * The record store port on the images table (src/infra/table.ts), one item kind
 * per file: image records, placements, the shared analysis, and the scan queries.
 */
export class DynamoRecordStore implements RecordStore {
  private readonly records: ImageRecords;
  private readonly placementItems: Placements;
  private readonly analysis: AnalysisItems;
  private readonly queries: GroupQueries;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    const table = new Table(db, tableName);
    this.placementItems = new Placements(table);
    this.records = new ImageRecords(table, this.placementItems);
    this.analysis = new AnalysisItems(table);
    this.queries = new GroupQueries(table);
  }

  register(reg: Registration, nowMs: number, waitingTtlSeconds: number) {
    return this.records.register(reg, nowMs, waitingTtlSeconds);
  }
  get(imageKey: string, userId: string, nowMs: number): Promise<ImageRecord | undefined> {
    return this.records.get(imageKey, userId, nowMs);
  }
  placements(imageKey: string, userId: string, nowMs: number): Promise<Placement[]> {
    return this.placementItems.list(imageKey, userId, nowMs);
  }
  markUploaded(name: ImageName, objectSize: number | undefined, nowMs: number) {
    return this.records.markUploaded(name, objectSize, nowMs);
  }
  getAnalysis(imageKey: string): Promise<Analysis | undefined> {
    return this.analysis.get(imageKey);
  }
  claimAnalysis(imageKey: string, claimant: string, nowMs: number, leaseSeconds: number) {
    return this.analysis.claim(imageKey, claimant, nowMs, leaseSeconds);
  }
  completeAnalysis(imageKey: string, claimant: string, labels: Label[], nowMs: number, variants?: VariantsInfo) {
    return this.analysis.complete(imageKey, claimant, labels, nowMs, variants);
  }
  setAnalysisVariants(imageKey: string, variants: VariantsInfo) {
    return this.analysis.setVariants(imageKey, variants);
  }
  dropAnalysisVariants(imageKey: string) {
    return this.analysis.dropVariants(imageKey);
  }
  usedByOthers(imageKey: string, userId: string, nowMs: number) {
    return this.records.usedByOthers(imageKey, userId, nowMs);
  }
  abandonAnalysis(imageKey: string, claimant: string, reason: string, nowMs: number) {
    return this.analysis.abandon(imageKey, claimant, reason, nowMs);
  }
  applyAnalysis(imageKey: string, userId: string, result: AnalysisResult, nowMs: number) {
    return this.records.applyAnalysis(imageKey, userId, result, nowMs);
  }
  markFailed(imageKey: string, userId: string, reason: string, nowMs: number) {
    return this.records.markFailed(imageKey, userId, reason, nowMs);
  }
  queryGroup(userId: string, plan: ScanPlan): Promise<ScanCandidate[]> {
    return this.queries.candidates(userId, plan);
  }
  remove(imageKey: string, userId: string, nowMs: number) {
    return this.records.remove(imageKey, userId, nowMs);
  }
}
