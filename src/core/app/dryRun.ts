import type { RequestPlan } from '../download/downloadEngine';

/** The dry run as both front ends show it (`lark-dl download --dry-run`, *Lark: Preview Request…*). */
export interface DryRun {
	dry_run: true;
	identity: RequestPlan['identity'];
	request: Pick<RequestPlan, 'method' | 'url' | 'headers'>;
	planned_output: string;
	resumable_bytes?: number;
}

export function describeDryRun(plan: RequestPlan): DryRun {
	return {
		dry_run: true,
		identity: plan.identity,
		request: { method: plan.method, url: plan.url, headers: plan.headers },
		planned_output: plan.plannedOutput,
		...(plan.resumableBytes === undefined ? {} : { resumable_bytes: plan.resumableBytes }),
	};
}
