import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MessageJson } from '../http/http.presenter';
import { ApiDatabaseUnavailable, ApiErrors } from '../http/openapi';
import { ApiIdParam, ParseIdPipe } from '../http/validation';
import { UpsertSelectionDto } from './dto/upsert-selection.dto';
import { SelectionJson } from './selection.presenter';
import { SelectionsService } from './selections.service';

const UPSERT = {
  summary: "Creates or updates the workout's selection with the fields present in the body",
  description:
    'An absent key leaves the field as it is, null clears it; `{}` ensures the row exists. ' +
    'Atomic whatever the concurrency.',
};

@ApiTags('selections')
@ApiDatabaseUnavailable()
@Controller('selections')
export class SelectionsController {
  constructor(private readonly selections: SelectionsService) {}

  @Put(':workoutId')
  @ApiIdParam('workoutId')
  @ApiOperation(UPSERT)
  @ApiOkResponse({ type: SelectionJson })
  @ApiErrors(400, 404, 413, 415)
  put(@Param('workoutId', ParseIdPipe) workoutId: number, @Body() body: UpsertSelectionDto) {
    return this.selections.upsert(workoutId, body);
  }

  /** The previous backend accepted POST as a synonym of PUT. */
  @Post(':workoutId')
  @HttpCode(200)
  @ApiIdParam('workoutId')
  @ApiOperation({ ...UPSERT, summary: `${UPSERT.summary} (as PUT)` })
  @ApiOkResponse({ type: SelectionJson })
  @ApiErrors(400, 404, 413, 415)
  post(@Param('workoutId', ParseIdPipe) workoutId: number, @Body() body: UpsertSelectionDto) {
    return this.selections.upsert(workoutId, body);
  }

  @Delete(':workoutId')
  @ApiIdParam('workoutId')
  @ApiOperation({ summary: 'Deletes the selection: the workout is back to its defaults' })
  @ApiOkResponse({ type: MessageJson })
  @ApiErrors(400, 404)
  async remove(@Param('workoutId', ParseIdPipe) workoutId: number): Promise<MessageJson> {
    await this.selections.remove(workoutId);
    return { message: 'Selection deleted' };
  }
}
