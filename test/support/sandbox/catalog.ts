// The sandbox's tenant: chats (Chinese and English names, one p2p), several pages of messages of every
// kind, and the files they carry. Ids look like Lark's (om_…, oc_…, ou_…, img_v3_…, file_v3_…) and are
// derived from stable seeds, so they are the same on every start; only the timestamps follow the clock.
import { createHash } from 'node:crypto';
import type { ChatItem, MessageItem, MessageMention, MessageSender } from '../../../src/core/lark/apiTypes';
import { larkContentDisposition } from '../contentDisposition';
import type { FixtureChat, ImFixtures } from '../imFixtures';
import { message } from '../imFixtures';
import { chart, generatedFile, lazyFile, mockup, mp4Header, pdf, photo, prng, receipt, voiceNote, xlsx, zip, type GeneratedFile } from './content';

const KB = 1000;
const MB = 1000 * 1000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One downloadable (or deliberately listed-only) resource of the sandbox. */
export interface SandboxResource {
	chatId: string;
	messageId: string;
	fileKey: string;
	type: 'image' | 'file';
	/** The sender's file name, when the message carries one (also sent in Content-Disposition, as raw UTF-8 like Lark). */
	name?: string;
	contentType: string;
	contentDisposition?: string;
	file: GeneratedFile;
}

export interface SandboxCatalog {
	fixtures: ImFixtures;
	resources: SandboxResource[];
	/** Chats by a short alias (design, launch, finance, allHands, partner, p2p). */
	chats: Record<ChatAlias, string>;
}

type ChatAlias = 'design' | 'launch' | 'finance' | 'allHands' | 'partner' | 'p2p';

const hex = (seed: string, length = 32): string => createHash('sha256').update(seed).digest('hex').slice(0, length);
const uuidish = (seed: string): string => {
	const h = hex(seed, 32);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 31)}g`;
};
const imageKey = (seed: string): string => `img_v3_02${hex(`k${seed}`, 2)}_${uuidish(`img/${seed}`)}`;
const fileKey = (seed: string): string => `file_v3_00${hex(`k${seed}`, 2)}_${uuidish(`file/${seed}`)}`;

const TENANT = 'sandbox_tenant_2a9f';

interface Person {
	id: string;
	name: string;
}
const person = (name: string): Person => ({ id: `ou_${hex(`user/${name}`)}`, name });
const PEOPLE = {
	zhang: person('张伟'),
	lina: person('李娜'),
	emily: person('Emily Carter'),
	wang: person('王小明'),
	david: person('David Chen'),
	you: person('You'),
	sato: person('Kenji Sato'),
} as const;
const BOT: MessageSender = { id: 'cli_a5e9sandbox0bot1', id_type: 'app_id', sender_type: 'app', tenant_key: TENANT };
const asSender = (p: Person): MessageSender => ({ id: p.id, id_type: 'open_id', sender_type: 'user', tenant_key: TENANT });
const mention = (key: string, p: Person): MessageMention => ({ key, id: p.id, id_type: 'open_id', name: p.name, tenant_key: TENANT });

/** Appends messages to one chat; finish() spreads them through working hours (UTC+8) before `now`. */
class ChatBuilder {
	readonly messages: MessageItem[] = [];
	/** merge_forward containers and their children, whose times follow the container's. */
	readonly forwards: { container: MessageItem; children: MessageItem[] }[] = [];
	private serial = 0;

	constructor(readonly chatId: string, private readonly catalog: Builder, readonly days: number) {}

	/** Gives the messages increasing times over the last `days` days, between 09:00 and 21:00 Beijing time. */
	schedule(now: number): void {
		const random = prng(this.chatId);
		const first = now - this.days * DAY;
		const last = now - 20 * MINUTE;
		let previous = 0;
		this.messages.forEach((item, i) => {
			let t = first + ((last - first) * (i + random() * 0.6)) / this.messages.length;
			const hour = new Date(t + 8 * HOUR).getUTCHours();
			if (hour < 9) {
				t = t + (9 - hour) * HOUR < last ? t + (9 - hour) * HOUR : t - (hour + 4) * HOUR; // into the morning, or back to last evening
			} else if (hour >= 21) {
				t -= (hour - 20) * HOUR;
			}
			t = Math.min(last, Math.max(Math.round(t), previous + MINUTE));
			previous = t;
			item.create_time = String(t);
			item.update_time = String(t);
		});
		for (const { container, children } of this.forwards) {
			children.forEach((child, i) => {
				child.create_time = String(Number(container.create_time) - DAY + i * 7 * MINUTE);
				child.update_time = child.create_time;
			});
		}
	}

	add(msgType: string, from: Person | MessageSender, content: unknown, extra: Partial<MessageItem> = {}): MessageItem {
		const id = `om_${hex(`msg/${this.chatId}/${this.serial}`)}`;
		this.serial++;
		const sender = 'sender_type' in from ? from : asSender(from);
		const item = message(id, this.chatId, msgType, content, 0, { sender, ...extra }); // timed by schedule()
		this.messages.push(item);
		return item;
	}

	text(from: Person, text: string, mentions: { key: string; person: Person }[] = []): MessageItem {
		return this.add('text', from, { text }, mentions.length === 0 ? {} : { mentions: mentions.map((m) => mention(m.key, m.person)) });
	}

	image(from: Person, file: GeneratedFile): MessageItem {
		const key = imageKey(`${this.chatId}/${this.serial}`);
		const item = this.add('image', from, { image_key: key });
		this.catalog.serve(this.chatId, item.message_id, key, 'image', 'image/png', file);
		return item;
	}

	file(from: Person, name: string, contentType: string, file: GeneratedFile): MessageItem {
		const key = fileKey(`${this.chatId}/${this.serial}`);
		const item = this.add('file', from, { file_key: key, file_name: name });
		this.catalog.serve(this.chatId, item.message_id, key, 'file', contentType, file, name);
		return item;
	}

	audio(from: Person, seconds: number): MessageItem {
		const key = fileKey(`${this.chatId}/${this.serial}/audio`);
		const item = this.add('audio', from, { file_key: key, duration: seconds * 1000 });
		this.catalog.serve(this.chatId, item.message_id, key, 'file', 'audio/wav', lazyFile(() => voiceNote(key, seconds)));
		return item;
	}

	video(from: Person, name: string, size: number, seconds: number, cover: GeneratedFile): MessageItem {
		const key = fileKey(`${this.chatId}/${this.serial}/video`);
		const coverKey = imageKey(`${this.chatId}/${this.serial}/cover`);
		const item = this.add('media', from, { file_key: key, image_key: coverKey, file_name: name, duration: seconds * 1000 });
		this.catalog.serve(this.chatId, item.message_id, key, 'file', 'video/mp4', generatedFile(name, size, mp4Header(size)), name);
		this.catalog.serve(this.chatId, item.message_id, coverKey, 'image', 'image/png', cover);
		return item;
	}

	sticker(from: Person): MessageItem {
		return this.add('sticker', from, { file_key: fileKey(`${this.chatId}/${this.serial}/sticker`) });
	}

	/** A bot's card with a preview image, served through the card's own message id as Lark does (docs/fixtures.md). */
	card(title: string, markdown: string, template = 'blue'): MessageItem {
		const key = imageKey(`${this.chatId}/${this.serial}/card`);
		const item = this.add('interactive', BOT, {
			schema: '2.0',
			header: { title: { tag: 'plain_text', content: title }, template },
			body: { elements: [{ tag: 'markdown', content: markdown }, { tag: 'img', img_key: key, alt: { tag: 'plain_text', content: 'preview' } }] },
		});
		this.catalog.serve(this.chatId, item.message_id, key, 'image', 'image/png', lazyFile(() => mockup(title, 960, 540, title).png()));
		return item;
	}

	system(template: string, from: string[], to: string[]): MessageItem {
		return this.add('system', { id: '', id_type: '', sender_type: 'system' }, { template, from_user: from, to_chatters: to });
	}

	/** A post with text, pictures and a video clip, in Chinese and English. */
	post(from: Person, zh: { title: string; text: string }, en: { title: string; text: string }, pictures: GeneratedFile[], clip?: { name: string; size: number; cover: GeneratedFile }): MessageItem {
		const keys = pictures.map((_, i) => imageKey(`${this.chatId}/${this.serial}/post/${i}`));
		const clipKey = fileKey(`${this.chatId}/${this.serial}/post/clip`);
		const clipCover = imageKey(`${this.chatId}/${this.serial}/post/clip-cover`);
		const body = (text: string): unknown[][] => [
			[{ tag: 'text', text }],
			keys.map((image_key) => ({ tag: 'img', image_key, width: 1280, height: 800 })),
			...(clip === undefined ? [] : [[{ tag: 'media', file_key: clipKey, image_key: clipCover }]]),
			[{ tag: 'at', user_id: PEOPLE.emily.id, user_name: PEOPLE.emily.name }, { tag: 'text', text: ' ' }, { tag: 'a', href: 'https://www.figma.com/file/sandbox', text: 'Figma' }],
		];
		const item = this.add('post', from, { zh_cn: { title: zh.title, content: body(zh.text) }, en_us: { title: en.title, content: body(en.text) } });
		keys.forEach((key, i) => this.catalog.serve(this.chatId, item.message_id, key, 'image', 'image/png', pictures[i] as GeneratedFile));
		if (clip !== undefined) {
			this.catalog.serve(this.chatId, item.message_id, clipKey, 'file', 'video/mp4', generatedFile(clip.name, clip.size, mp4Header(clip.size)), clip.name);
			this.catalog.serve(this.chatId, item.message_id, clipCover, 'image', 'image/png', clip.cover);
		}
		return item;
	}

	/**
	 * A merge_forward of messages from another chat. The children keep their origin chat and time and
	 * point up to the container; their resources are served only under the container's id, like Lark.
	 */
	forward(from: Person, originChat: string, children: ((child: ChildBuilder) => void)[]): MessageItem {
		const container = this.add('merge_forward', from, 'Merged and Forwarded Message');
		const builder = new ChildBuilder(container, originChat, this.catalog, this.chatId);
		for (const addChild of children) {
			addChild(builder);
		}
		this.forwards.push({ container, children: builder.items });
		this.catalog.singles.set(container.message_id, [container, ...builder.items]);
		for (const child of builder.items) {
			this.catalog.singles.set(child.message_id, [child]);
		}
		return container;
	}
}

/** Children of one merge_forward message. */
class ChildBuilder {
	readonly items: MessageItem[] = [];

	constructor(private readonly container: MessageItem, private readonly originChat: string, private readonly catalog: Builder, private readonly chatId: string) {}

	private add(msgType: string, from: Person, content: unknown): MessageItem {
		const index = this.items.length;
		const id = `om_${hex(`child/${this.container.message_id}/${index}`)}`;
		const item = message(id, this.originChat, msgType, content, 0, { sender: asSender(from), upper_message_id: this.container.message_id });
		this.items.push(item);
		return item;
	}

	text(from: Person, text: string): void {
		this.add('text', from, { text });
	}

	image(from: Person, file: GeneratedFile): void {
		const key = imageKey(`${this.container.message_id}/${this.items.length}`);
		this.add('image', from, { image_key: key });
		this.catalog.serve(this.chatId, this.container.message_id, key, 'image', 'image/png', file);
	}

	file(from: Person, name: string, contentType: string, file: GeneratedFile): void {
		const key = fileKey(`${this.container.message_id}/${this.items.length}`);
		this.add('file', from, { file_key: key, file_name: name });
		this.catalog.serve(this.chatId, this.container.message_id, key, 'file', contentType, file, name);
	}
}

/** Collects chats, messages and resources into the fixture state the IM routes serve. */
class Builder {
	readonly resources: SandboxResource[] = [];
	readonly singles = new Map<string, MessageItem[]>();
	readonly containers = new Map<string, MessageItem[]>();
	readonly chats: FixtureChat[] = [];

	constructor(readonly now: number) {}

	chat(alias: string, item: Omit<ChatItem, 'chat_id' | 'tenant_key'>, createdDaysAgo: number, days: number): ChatBuilder {
		const chatId = `oc_${hex(`chat/${alias}`)}`;
		this.chats.push({
			item: { chat_id: chatId, avatar: `https://s1-imfile.feishucdn.com/static-resource/v1/v3_00${hex(`avatar/${alias}`, 24)}`, tenant_key: TENANT, chat_status: 'normal', external: false, ...item },
			createdAt: this.now - createdDaysAgo * DAY,
			activeAt: 0, // set from the last message in finish()
		});
		return new ChatBuilder(chatId, this, days);
	}

	serve(chatId: string, messageId: string, key: string, type: 'image' | 'file', contentType: string, file: GeneratedFile, name?: string): void {
		this.resources.push({ chatId, messageId, fileKey: key, type, contentType, file, ...(name === undefined ? {} : { name, contentDisposition: larkContentDisposition(name) }) });
	}

	finish(builders: ChatBuilder[]): void {
		for (const chat of builders) {
			chat.schedule(this.now);
			this.containers.set(chat.chatId, chat.messages);
			for (const item of chat.messages) {
				if (!this.singles.has(item.message_id)) {
					this.singles.set(item.message_id, [item]);
				}
			}
			const fixture = this.chats.find((c) => c.item.chat_id === chat.chatId);
			if (fixture !== undefined) {
				fixture.activeAt = Math.max(0, ...chat.messages.map((m) => Number(m.create_time)));
			}
		}
	}
}

const DESIGN_CHATTER: [keyof typeof PEOPLE, string][] = [
	['zhang', '早上好！今天下午三点评审首页改版，大家记得带上问题清单。'],
	['emily', 'Morning! I pushed the new onboarding flow to Figma, page "Onboarding v2".'],
	['lina', '收到，我先看一下交互细节。'],
	['david', 'Can we keep the old color tokens until the design system release?'],
	['zhang', '可以，旧的 token 先保留一个版本，下个迭代再删除。'],
	['emily', 'The empty states still use the 2023 illustrations, I will replace them this week.'],
	['lina', '移动端的底部导航栏高度需要再确认一下，现在是 56px。'],
	['you', 'Android guideline says 80dp for the navigation bar, iOS is 49pt + safe area.'],
	['zhang', '那我们按平台分别处理吧。'],
	['david', 'Engineering estimate for the new header: 3 days, including dark mode.'],
	['emily', 'I added redlines for all breakpoints: 360, 768, 1280, 1440.'],
	['lina', '可访问性检查发现两个对比度不够的按钮，已经标注在稿子里了。'],
	['zhang', '好的，辛苦了 👍'],
	['david', 'Quick reminder: design freeze is on Friday 18:00.'],
	['you', '我把用户访谈的录音整理好了，稍后发到群里。'],
	['emily', 'Does anyone have the latest logo in SVG? The one on the wiki is outdated.'],
	['lina', '品牌素材包我晚点上传一个新的。'],
	['zhang', '评审结论：方案 B 通过，方案 A 的卡片样式保留到设置页。'],
	['david', 'Ticket DS-1423 created for the token migration.'],
	['emily', 'Icons exported at 1x/2x/3x, naming follows ic_<name>_<size>.'],
	['you', 'Usability test round 2 is scheduled for Tuesday, 5 participants.'],
	['lina', '测试脚本我已经写好了，大家有空帮忙过一遍。'],
	['zhang', '下周一开始做设置页，Emily 负责视觉，李娜负责交互。'],
	['david', 'FYI the staging build with the new header is up.'],
	['emily', 'Small thing: the focus ring is missing on the search field.'],
	['lina', '已修复，辛苦再看一下。'],
	['zhang', '这周的周报我来写，有更新的同学下班前告诉我。'],
	['you', 'Shared the research summary in the wiki, link in the weekly report.'],
	['david', 'Release notes draft is ready for review.'],
	['emily', 'Dark mode screenshots for the app store are done.'],
	['lina', '动效规范补充了页面转场的时长：200ms ease-out。'],
	['zhang', '收到，明天同步给开发。'],
	['david', 'Perf budget check: the hero image must stay under 200 KB.'],
	['emily', 'Compressed it to 148 KB with AVIF, PNG fallback is 310 KB.'],
	['you', '👀 the new illustrations look fantastic'],
	['lina', '谢谢！下一版会再加两个场景。'],
];

/** Builds the whole tenant. `now` anchors the timestamps (messages span the last days before it). */
export function buildCatalog(now = Date.now()): SandboxCatalog {
	const b = new Builder(now);
	const p = PEOPLE;
	const design = b.chat('design', { name: '设计评审 · Design Review', description: 'Mockups, specs and review notes 设计稿与评审', chat_mode: 'group', owner_id: p.zhang.id, owner_id_type: 'open_id' }, 240, 12);
	const launch = b.chat('launch', { name: 'Product Launch 产品发布', description: 'Launch event 2024: keynote, press kit, photos', chat_mode: 'group', owner_id: p.david.id, owner_id_type: 'open_id' }, 120, 9);
	const finance = b.chat('finance', { name: '财务报销 Expenses', description: '发票、预算和报销单', chat_mode: 'group', owner_id: p.lina.id, owner_id_type: 'open_id' }, 400, 20);
	const allHands = b.chat('allhands', { name: '全员公告 All Hands', description: 'Company-wide announcements', chat_mode: 'topic', owner_id: p.zhang.id, owner_id_type: 'open_id' }, 800, 25);
	const partner = b.chat('partner', { name: 'Acme × Lark 合作 Partnership', description: 'External: Acme Corp integration', chat_mode: 'group', external: true, owner_id: p.david.id, owner_id_type: 'open_id' }, 60, 14);
	const p2p = b.chat('p2p-wang', { name: '王小明', description: '', chat_mode: 'p2p', p2p_target_type: 'user', p2p_target_id: p.wang.id }, 300, 6);

	const png = (build: () => { png(): Buffer }): GeneratedFile => lazyFile(() => build().png());
	const mock = (title: string, w = 1280, h = 800): GeneratedFile => png(() => mockup(title, w, h, title));
	const shot = (caption: string, w = 1600, h = 1000, grain = 6): GeneratedFile => png(() => photo(caption, w, h, caption, grain));
	const doc = (title: string, pages: () => Parameters<typeof pdf>[1]): GeneratedFile => lazyFile(() => pdf(title, pages()));
	const text = (content: string): GeneratedFile => lazyFile(() => Buffer.from(content, 'utf8'));
	const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

	// ---- 设计评审 · Design Review: four pages of messages, every kind --------------------------
	design.system('{from_user} created the group and invited {to_chatters}.', [p.zhang.name], [p.lina.name, p.emily.name, p.david.name, p.you.name]);
	DESIGN_CHATTER.slice(0, 12).forEach(([who, line]) => design.text(p[who], line));
	design.image(p.emily, mock('ONBOARDING V2 - STEP 1'));
	design.image(p.emily, mock('ONBOARDING V2 - STEP 2'));
	design.audio(p.lina, 9);
	DESIGN_CHATTER.slice(12, 20).forEach(([who, line]) => design.text(p[who], line));
	design.file(p.you, '用户访谈纪要 User interviews.txt', 'text/plain; charset=utf-8', text(interviewNotes()));
	design.sticker(p.zhang);
	design.image(p.lina, png(() => chart('funnel', 1200, 700, 'ONBOARDING FUNNEL (WEEK 19)', ['VISIT', 'SIGNUP', 'VERIFY', 'PROFILE', 'INVITE', 'ACTIVE'])));
	DESIGN_CHATTER.slice(20, 30).forEach(([who, line]) => design.text(p[who], line));
	design.card('Figma 导出完成 · Export finished', '**Home v3** exported: 48 frames, 312 assets.\nOwner: <at id=all></at>', 'green');
	design.audio(p.you, 23);
	DESIGN_CHATTER.slice(30).forEach(([who, line]) => design.text(p[who], line));
	// the newest page: what a reviewer opens first
	design.text(p.zhang, '新版首页设计稿已更新，@Emily Carter 帮忙看下深色模式。', [{ key: '@_user_1', person: p.emily }]);
	design.image(p.emily, mock('HOME V3 - LIGHT'));
	design.image(p.emily, mock('HOME V3 - DARK'));
	design.text(p.david, 'Looks great! Can we try a slightly darker header in the light theme?');
	design.sticker(p.lina);
	design.file(p.zhang, '设计规范 Design Spec v2.3.pdf', 'application/pdf', doc('Design Spec v2.3', () => designSpecPages()));
	design.post(p.lina, { title: '设计周报 · 第 19 周', text: '本周完成首页改版与引导流程，附上截图和动效演示。' }, { title: 'Weekly design update · week 19', text: 'Home redesign and onboarding are done; screenshots and the motion demo below.' },
		[mock('WEEKLY - HOME'), mock('WEEKLY - ONBOARDING')], { name: 'motion-demo.mp4', size: 6 * MB + 420 * KB, cover: mock('MOTION DEMO', 960, 540) });
	design.audio(p.emily, 12);
	design.video(p.emily, 'screen-recording 2024-05-13.mp4', 12 * MB + 734 * KB, 95, shot('SCREEN RECORDING', 960, 540, 2));
	design.card('设计走查通过 · Design QA passed', 'All 27 checks passed on **staging**. [Open report](https://ci.example.com/qa/1423)');
	design.file(p.lina, '品牌素材 Brand assets 2024.zip', 'application/zip', lazyFile(() => brandAssets()));
	design.forward(p.david, launch.chatId, [
		(c) => c.text(p.david, 'Keynote photos from the rehearsal, FYI for the hero banner'),
		(c) => c.image(p.sato, shot('REHEARSAL - MAIN STAGE')),
		(c) => c.file(p.david, 'Launch deck 发布会 v5.pdf', 'application/pdf', doc('Launch deck v5', () => launchDeckPages())),
	]);
	design.text(p.you, '团建照片 📷');
	design.image(p.you, shot('TEAM OFFSITE - QIANDAO LAKE', 2000, 1250, 0));
	design.file(p.you, '评审会议纪要 Design review 0513.txt', 'text/plain; charset=utf-8', text(reviewNotes()));
	design.file(p.lina, '可用性测试 Usability results.xlsx', XLSX, lazyFile(() => usabilityWorkbook()));
	design.text(p.zhang, 'Thanks all — 方案 B 定稿，明天交付开发。');

	// ---- Product Launch 产品发布: the big files -----------------------------------------------
	launch.text(p.david, 'Launch day run-of-show is pinned. Doors open 13:30, keynote at 14:00.');
	launch.file(p.david, 'Launch deck 发布会 v5.pdf', 'application/pdf', doc('Launch deck v5', () => launchDeckPages()));
	launch.text(p.sato, '摄影组已经到场，灯光测试中。');
	launch.image(p.sato, shot('VENUE - HALL B'));
	launch.image(p.sato, shot('BACKSTAGE', 1600, 1000, 10));
	launch.text(p.emily, 'Stage screens look perfect 🎉');
	launch.image(p.emily, shot('KEYNOTE - OPENING'));
	launch.card('发布会直播 · Live now', 'The keynote stream is live: **12,408** viewers.', 'red');
	launch.text(p.david, 'Full recording below — please do not share externally before Friday.');
	launch.video(p.david, '产品发布会录像 Launch keynote (full).mp4', 318 * MB + 452 * KB, 3720, shot('KEYNOTE RECORDING', 1280, 720, 3));
	launch.video(p.emily, '产品演示 walkthrough.mp4', 47 * MB + 918 * KB, 412, mock('PRODUCT WALKTHROUGH', 1280, 720));
	launch.file(p.david, 'Press kit 媒体资料包.zip', 'application/zip', lazyFile(() => pressKit()));
	launch.text(p.lina, '媒体稿已发出，共 23 家媒体确认报道。');
	launch.image(p.sato, shot('Q&A SESSION'));
	launch.image(p.sato, shot('TEAM PHOTO', 1800, 1100, 12));
	launch.audio(p.david, 31);
	launch.text(p.you, 'Congrats everyone! 🚀');
	launch.sticker(p.zhang);
	launch.post(p.david, { title: '发布会复盘', text: '整体顺利，直播峰值 1.2 万人。附上现场照片。' }, { title: 'Launch retro', text: 'Went smoothly, 12k peak viewers. Photos attached.' }, [shot('RETRO - HIGHLIGHTS', 1280, 800, 4)]);
	launch.text(p.emily, 'Uploaded the highlight reel to the drive as well.');

	// ---- 财务报销 Expenses: small PDFs, a workbook, receipts ------------------------------------
	finance.text(p.lina, '五月报销请在 28 号前提交，发票抬头见群公告。');
	for (const [i, merchant, total] of [[1, 'HOTEL JINJIANG', '1280.00'], [2, 'DIDI TAXI', '86.50'], [3, 'STARBUCKS', '64.00']] as const) {
		finance.image(p.you, png(() => receipt(`receipt-${i}`, merchant, total)));
	}
	finance.file(p.you, '发票 Invoice INV-2024-0517.pdf', 'application/pdf', doc('Invoice INV-2024-0517', () => invoicePages('INV-2024-0517', 1430.5)));
	finance.text(p.lina, '收到，已审核。');
	finance.file(p.lina, '2024 Q2 预算 Budget.xlsx', XLSX, lazyFile(() => budgetWorkbook()));
	finance.text(p.david, 'Budget for the launch event is approved, see row 14.');
	finance.file(p.david, 'receipts-may.zip', 'application/zip', lazyFile(() => zip([1, 2, 3, 4].map((i) => ({ name: `收据 receipt-${i}.png`, data: receipt(`zip-receipt-${i}`, 'OFFICE DEPOT', `${(i * 37.25).toFixed(2)}`).png(), store: true })))));
	finance.file(p.emily, 'Invoice INV-2024-0522.pdf', 'application/pdf', doc('Invoice INV-2024-0522', () => invoicePages('INV-2024-0522', 312)));
	finance.card('报销审批 · Expense approval', '**David Chen** approved 3 expense reports (¥ 2,141.50).', 'turquoise');
	finance.text(p.lina, 'Reminder: taxi receipts need the trip details page as well.');
	finance.forward(p.lina, allHands.chatId, [
		(c) => c.text(p.you, '出差住宿标准是多少？'),
		(c) => c.text(p.lina, '一线城市每晚 600 元以内，其他城市 450 元。'),
		(c) => c.file(p.lina, '差旅政策 Travel policy 2024.pdf', 'application/pdf', doc('Travel policy 2024', () => policyPages())),
	]);
	finance.sticker(p.you);
	finance.text(p.you, '好的，明白了，谢谢！');

	// ---- 全员公告 All Hands: a topic chat of cards and posts -------------------------------------
	allHands.card('Q2 全员大会 · All Hands', 'Thursday 16:00, 5F auditorium and online. Agenda in the post below.', 'purple');
	allHands.post(p.zhang, { title: 'Q2 全员大会议程', text: '1. 业务回顾 2. 产品发布 3. 问答' }, { title: 'Q2 All Hands agenda', text: '1. Business review 2. Launch 3. Q&A' }, [png(() => chart('q2', 1200, 700, 'Q2 REVENUE BY REGION', ['APAC', 'EMEA', 'NA', 'LATAM']))]);
	allHands.text(p.david, 'Slides and recording will be shared here afterwards.');
	allHands.sticker(p.emily);
	allHands.card('IT 通知 · Maintenance', 'VPN maintenance on Saturday 02:00–04:00 (UTC+8).', 'orange');
	allHands.text(p.lina, '五一假期安排：5 月 1 日至 5 日放假，4 月 28 日、5 月 11 日上班。');
	allHands.image(p.zhang, shot('NEW OFFICE - 5F'));
	allHands.text(p.you, '新办公室太棒了！');
	allHands.card('欢迎新同学 · Welcome', 'Please welcome **Kenji Sato** to the Tokyo team 🎌');
	allHands.sticker(p.sato);

	// ---- Acme × Lark 合作 Partnership: an external chat ----------------------------------------
	partner.system('{from_user} invited {to_chatters} to this chat.', [p.david.name], ['Acme Corp (external)']);
	partner.text(p.david, 'Welcome Acme team! This chat is for the integration project.');
	partner.file(p.david, 'Mutual NDA (signed).pdf', 'application/pdf', doc('Mutual NDA', () => ndaPages()));
	partner.text(p.you, 'Integration guide attached, API keys will be shared via the secure portal.');
	partner.file(p.you, 'Integration guide 集成指南 v1.2.pdf', 'application/pdf', doc('Integration guide v1.2', () => integrationPages()));
	partner.image(p.you, mock('ARCHITECTURE OVERVIEW', 1400, 900));
	partner.text(p.david, 'Kickoff call notes are in the doc, next sync on Monday.');
	partner.audio(p.david, 18);
	partner.file(p.you, 'sample-export.csv', 'text/csv; charset=utf-8', text(sampleCsv()));
	partner.text(p.sato, 'Thanks, we will review and come back with questions.');
	partner.sticker(p.you);
	partner.text(p.david, '👍');

	// ---- 王小明 (p2p): visible to the user identity only ----------------------------------------
	p2p.text(p.wang, '在吗？上次说的简历我发你一下。');
	p2p.file(p.wang, '简历 Resume - Wang Xiaoming.pdf', 'application/pdf', doc('Resume - Wang Xiaoming', () => resumePages()));
	p2p.text(p.you, '收到，我转给招聘的同事。');
	p2p.audio(p.wang, 7);
	p2p.text(p.you, 'OK，周三下午可以面试吗？');
	p2p.text(p.wang, '可以的，两点以后都行。');
	p2p.image(p.wang, shot('WEEKEND HIKE - XIANGSHAN', 1600, 1200, 12));
	p2p.text(p.you, '风景不错！');
	p2p.sticker(p.wang);
	p2p.file(p.wang, '作品集 Portfolio.zip', 'application/zip', lazyFile(() => zip([1, 2, 3].map((i) => ({ name: `作品 work-${i}.png`, data: mockup(`portfolio-${i}`, 1280, 800, `PORTFOLIO ${i}`).png(), store: true })))));
	p2p.audio(p.you, 4);
	p2p.text(p.wang, 'Thanks! 期待周三见。');
	p2p.video(p.wang, '自我介绍 intro.mp4', 8 * MB + 117 * KB, 60, shot('INTRO VIDEO', 960, 540, 2));
	p2p.text(p.you, '👌');

	b.finish([design, launch, finance, allHands, partner, p2p]);
	return {
		fixtures: { chats: b.chats, containers: b.containers, singles: b.singles, resources: new Map(), deniedChats: new Set(), tokenField: 'page_token', users: new Map(Object.values(PEOPLE).map((person) => [person.id, person.name])) },
		resources: b.resources,
		chats: { design: design.chatId, launch: launch.chatId, finance: finance.chatId, allHands: allHands.chatId, partner: partner.chatId, p2p: p2p.chatId },
	};
}

// ---- document contents ---------------------------------------------------------------------------

const lorem = (seed: string, lines: number): string[] => {
	const words = 'the design system defines tokens components spacing color typography motion states accessibility contrast layout grid responsive breakpoints icons illustrations review feedback release checklist'.split(' ');
	const random = prng(seed);
	return Array.from({ length: lines }, () => {
		const n = 9 + Math.floor(random() * 6);
		const line = Array.from({ length: n }, () => words[Math.floor(random() * words.length)] ?? 'design').join(' ');
		return line.charAt(0).toUpperCase() + line.slice(1) + '.';
	});
};

function designSpecPages(): Parameters<typeof pdf>[1] {
	return [
		{ heading: 'Design Spec v2.3', picture: mockup('spec-cover', 1200, 700, 'DESIGN SYSTEM 2.3'), lines: ['Owner: Zhang Wei   Status: approved   Updated: 2024-05-13', '', ...lorem('spec-intro', 12)] },
		{ heading: '1. Color tokens', picture: chart('spec-colors', 1000, 560, 'TOKEN USAGE BY SURFACE', ['BG', 'TEXT', 'LINE', 'FILL', 'BRAND']), lines: lorem('spec-colors', 18) },
		{ heading: '2. Typography', lines: ['Display 32/40, Title 20/28, Body 14/22, Caption 12/18.', ...lorem('spec-type', 30)] },
		{ heading: '3. Components', picture: mockup('spec-components', 1200, 700, 'COMPONENT LIBRARY'), lines: lorem('spec-components', 14) },
		{ heading: '4. Motion', lines: ['Page transitions: 200 ms ease-out. Micro-interactions: 120 ms.', ...lorem('spec-motion', 26)] },
		{ heading: '5. Accessibility', lines: ['Minimum contrast 4.5:1 for text, 3:1 for large text and icons.', ...lorem('spec-a11y', 26)] },
	];
}

function launchDeckPages(): Parameters<typeof pdf>[1] {
	return [
		{ heading: 'Launch 2024', picture: photo('deck-cover', 1200, 675, 'LAUNCH 2024', 3), lines: ['Keynote deck v5 - confidential until launch day.'] },
		{ heading: 'Why now', picture: chart('deck-market', 1100, 600, 'MARKET GROWTH (BN USD)', ['2020', '2021', '2022', '2023', '2024']), lines: lorem('deck-why', 8) },
		{ heading: 'What we ship', picture: mockup('deck-product', 1200, 700, 'THE NEW WORKSPACE'), lines: lorem('deck-what', 8) },
		{ heading: 'Availability', lines: ['Rolling out to all regions from June 1.', ...lorem('deck-avail', 10)] },
	];
}

function invoicePages(number: string, amount: number): Parameters<typeof pdf>[1] {
	return [{
		heading: `Invoice ${number}`,
		lines: [
			'Sandbox Technology Co., Ltd.', 'Tax ID 91110000SANDBOX00X', '', `Invoice number: ${number}`, 'Date: 2024-05-17', '',
			'Description                                   Qty      Amount',
			'Conference hotel, 2 nights                    1       ' + (amount * 0.7).toFixed(2),
			'Airport transfer                               2       ' + (amount * 0.3).toFixed(2),
			'', `Total (CNY)                                            ${amount.toFixed(2)}`, '', 'Thank you for your business.',
		],
	}];
}

function policyPages(): Parameters<typeof pdf>[1] {
	return [
		{ heading: 'Travel policy 2024', lines: ['Hotels: up to CNY 600 per night in tier-1 cities, CNY 450 elsewhere.', 'Flights: economy class; business class for flights over 8 hours.', ...lorem('policy-1', 30)] },
		{ heading: 'Reimbursement', lines: ['Submit within 30 days with original invoices.', ...lorem('policy-2', 30)] },
	];
}

function ndaPages(): Parameters<typeof pdf>[1] {
	return [
		{ heading: 'Mutual Non-Disclosure Agreement', lines: ['Between Sandbox Technology Co., Ltd. and Acme Corp.', 'Effective date: 2024-05-02.', ...lorem('nda-1', 34)] },
		{ heading: 'Signatures', lines: ['Sandbox Technology: David Chen, Head of Partnerships', 'Acme Corp: J. Smith, VP Engineering', '', '(signed electronically)'] },
	];
}

function integrationPages(): Parameters<typeof pdf>[1] {
	return [
		{ heading: 'Integration guide v1.2', picture: mockup('integration-arch', 1200, 700, 'ARCHITECTURE'), lines: lorem('int-1', 12) },
		{ heading: 'Authentication', lines: ['POST /open-apis/auth/v3/tenant_access_token/internal', '{"app_id": "cli_...", "app_secret": "..."}', ...lorem('int-2', 24)] },
		{ heading: 'Downloading message resources', lines: ['GET /open-apis/im/v1/messages/{message_id}/resources/{file_key}?type=file', 'Use Range requests for files over 8 MiB.', ...lorem('int-3', 22)] },
	];
}

function resumePages(): Parameters<typeof pdf>[1] {
	return [{
		heading: 'Wang Xiaoming - Product Designer',
		lines: ['Beijing  |  wang.xiaoming@example.com', '', 'Experience', '2021-now   Senior Product Designer, Example Tech', '2018-2021  UI Designer, Sample Studio', '', 'Education', '2014-2018  B.A. Industrial Design, Tsinghua University', '', 'Skills', 'Figma, prototyping, design systems, user research, motion design'],
	}];
}

function interviewNotes(): string {
	return [
		'用户访谈纪要 / User interview notes', '日期 Date: 2024-05-08', '参与者 Participants: 5 (3 new users, 2 power users)', '',
		'主要发现 Key findings', '1. 新用户在第二步（验证手机号）流失最多。Most new users drop at step 2 (phone verification).',
		'2. 高级用户希望批量下载聊天附件。Power users want to download all attachments of a chat at once.',
		'3. 深色模式下的图标对比度不足。Icons lack contrast in dark mode.', '',
		'引用 Quotes', '“我每周都要把群里的文件一个个另存为，太麻烦了。”', '"I just want all the PDFs from this chat in one folder."', '',
		'下一步 Next steps', '- 简化验证流程 Simplify verification', '- 评估批量下载 Evaluate bulk download', '- 调整图标颜色 Adjust icon colors', '',
	].join('\n');
}

function reviewNotes(): string {
	return [
		'评审会议纪要 Design review — 2024-05-13 15:00', '', '出席 Attendees: 张伟, 李娜, Emily Carter, David Chen, You', '',
		'结论 Decisions', '- 首页采用方案 B；方案 A 的卡片样式用于设置页。Home uses option B; option A cards move to Settings.',
		'- 深色模式的头部颜色调整为 #1F2329。Dark header becomes #1F2329.', '- 设计冻结时间：周五 18:00。Design freeze: Friday 18:00.', '',
		'待办 Action items', '[ ] Emily — 更新深色模式稿 update dark-mode frames', '[ ] 李娜 — 补充动效规范 motion spec additions', '[ ] David — 建立 DS-1423 迁移任务 create migration ticket', '',
	].join('\n');
}

function sampleCsv(): string {
	const random = prng('csv');
	const rows = ['message_id,chat_id,msg_type,create_time,size_bytes'];
	for (let i = 0; i < 400; i++) {
		rows.push(`om_${hex(`csv/${i}`)},oc_${hex('chat/partner')},${['text', 'image', 'file', 'post'][Math.floor(random() * 4)] ?? 'text'},2024-05-${String(1 + (i % 28)).padStart(2, '0')}T${String(9 + (i % 10)).padStart(2, '0')}:00:00+08:00,${Math.floor(random() * 5_000_000)}`);
	}
	return `${rows.join('\n')}\n`;
}

function budgetWorkbook(): Buffer {
	const random = prng('budget');
	const rows: (string | number)[][] = [['部门 Department', '项目 Item', 'Q2 预算 Budget (CNY)', '已用 Spent (CNY)', '剩余 Remaining (CNY)']];
	const items: [string, string][] = [['设计 Design', '软件订阅 Software'], ['设计 Design', '用户研究 Research'], ['市场 Marketing', '发布会 Launch event'], ['市场 Marketing', '广告 Ads'], ['研发 Engineering', '云服务 Cloud'], ['研发 Engineering', '设备 Hardware'], ['行政 Admin', '差旅 Travel'], ['行政 Admin', '办公 Office']];
	for (const [department, item] of items) {
		const budget = Math.round(20_000 + random() * 480_000);
		const spent = Math.round(budget * (0.2 + random() * 0.7));
		rows.push([department, item, budget, spent, budget - spent]);
	}
	return xlsx('Q2 2024', rows);
}

function usabilityWorkbook(): Buffer {
	const random = prng('usability');
	const rows: (string | number)[][] = [['Participant', 'Task', 'Success', 'Time (s)', 'SEQ (1-7)', 'Notes']];
	for (let participant = 1; participant <= 5; participant++) {
		for (const task of ['Sign up', 'Verify phone', 'Create project', 'Invite teammate']) {
			rows.push([`P${participant}`, task, random() > 0.2 ? 'yes' : 'no', Math.round(20 + random() * 160), Math.round(3 + random() * 4), random() > 0.7 ? '在验证码页面犹豫 hesitated at the code screen' : '']);
		}
	}
	return xlsx('Round 2', rows);
}

function brandAssets(): Buffer {
	return zip([
		{ name: 'README.txt', data: Buffer.from('品牌素材 Brand assets 2024\n\nlogo/  — primary and mono logos\nphotos/ — approved photography\n\nUsage: keep 24px clear space around the logo.\n', 'utf8') },
		{ name: 'logo/logo-primary.png', data: mockup('logo-primary', 800, 400, 'SANDBOX').png(), store: true },
		{ name: 'logo/logo-mono.png', data: mockup('logo-mono', 800, 400, 'SANDBOX MONO').png(), store: true },
		{ name: 'photos/office-01.png', data: photo('office-01', 1600, 1000, 'OFFICE 01', 8).png(), store: true },
		{ name: 'photos/office-02.png', data: photo('office-02', 1600, 1000, 'OFFICE 02', 8).png(), store: true },
		{ name: '颜色 colors.json', data: Buffer.from(JSON.stringify({ brand: '#3370FF', success: '#00B38A', danger: '#F54A45', warning: '#FF8800' }, null, 2), 'utf8') },
	]);
}

function pressKit(): Buffer {
	return zip([
		{ name: '新闻稿 Press release.txt', data: Buffer.from('FOR IMMEDIATE RELEASE\n\nSandbox launches the new workspace.\n今天，Sandbox 发布了全新的工作空间。\n', 'utf8') },
		...[1, 2, 3, 4, 5].map((i) => ({ name: `photos/keynote-${i}.png`, data: photo(`press-${i}`, 1600, 1000, `KEYNOTE ${i}`, 9).png(), store: true })),
		{ name: 'fact-sheet.pdf', data: pdf('Fact sheet', [{ heading: 'Fact sheet', lines: lorem('fact', 30) }]), store: true },
	]);
}
